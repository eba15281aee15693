import SyncTraceFormat
import SyncTraceReplay
import Testing

/// A plugin's options: values are checked against its declarations when they are made, typed reads
/// return the given value or the default, and a replay hands each plugin its own values through
/// ``AnalysisContext/optionValues(for:)``.
@Suite("Plugin options")
struct PluginOptionValuesTests {
    /// Counts writes, and reports when there are more than `max-writes` (an option), naming itself
    /// with `label` (another option); records what it read, for the tests.
    final class WriteCounter: AnalysisPlugin {
        let name: String
        let summary = "writes beyond a threshold"
        let operations = TraceOperationSet([.write])
        let options: [PluginOption] = [
            .integer("max-writes", default: 3, in: 0...1_000, help: "writes allowed"),
            .boolean("verbose", default: false, help: "say more"),
            .string("label", default: "writes", help: "what to call them"),
        ]
        private var writes = 0
        private(set) var seenThreshold: Int?

        init(name: String = "writes") {
            self.name = name
        }

        func handle(_ event: TraceEvent, in context: AnalysisContext) {
            self.writes += 1
            if self.seenThreshold == nil { self.seenThreshold = context.optionValues(for: self).integer("max-writes") }
        }

        func finish(in context: AnalysisContext) -> [Finding] {
            let values = context.optionValues(for: self)
            guard self.writes > values.integer("max-writes") else { return [] }
            let detail = values.boolean("verbose") ? " (verbose)" : ""
            return [Finding(kind: "too many writes", title: "TOO MANY WRITES", message: "\(self.writes) \(values.string("label"))\(detail)")]
        }
    }

    static let fourWrites = "T0|w(x)\nT0|w(x)\nT0|w(y)\nT0|w(y)\n"

    @Test("no values given: every plugin reads its declared defaults")
    func defaults() throws {
        let plugin = WriteCounter()
        let report = try Replay.analyze(text: Self.fourWrites, plugins: [plugin])
        #expect(plugin.seenThreshold == 3)
        #expect(report.findings.map(\.message) == ["4 writes"])
        let values = PluginOptionValues(defaultsOf: plugin)
        #expect(!values.isGiven("max-writes"))
        #expect(values.boolean("verbose") == false)
    }

    @Test("given values reach the plugin they are for, through its context, from the first event on")
    func givenValues() throws {
        let plugin = WriteCounter()
        let other = WriteCounter(name: "other")
        let values = try PluginOptionValues(
            for: plugin,
            settings: [("max-writes", "10"), ("max-writes", "1"), ("verbose", "yes"), ("label", "stores, all told")]
        )
        #expect(values.isGiven("max-writes") && values.integer("max-writes") == 1, "the last value given wins")
        let report = try TraceAnalysis.run(
            source: TextTraceReader(text: Self.fourWrites, fileName: "t.trace"),
            plugins: [plugin, other],
            options: [values]
        )
        #expect(plugin.seenThreshold == 1)
        #expect(other.seenThreshold == 3, "another plugin keeps its defaults")
        #expect(report.findings.map(\.message) == ["4 stores, all told (verbose)", "4 writes"])
    }

    @Test("an undeclared key names the declared ones")
    func unknownKey() {
        #expect(throws: PluginOptionError.unknownKey(plugin: "writes", key: "max", known: ["max-writes", "verbose", "label"])) {
            try PluginOptionValues(for: WriteCounter(), settings: [("max", "1")])
        }
        let error = PluginOptionError.unknownKey(plugin: "writes", key: "max", known: ["max-writes", "verbose", "label"])
        #expect(error.description == "plugin 'writes' has no option 'max' (its options: max-writes, verbose, label)")
    }

    @Test(
        "a value the declaration does not accept names plugin, key, value and what is expected",
        arguments: [
            ("max-writes", "abc", "an integer from 0 to 1000"),
            ("max-writes", "1001", "an integer from 0 to 1000"),
            ("max-writes", "-1", "an integer from 0 to 1000"),
            ("max-writes", " 2", "an integer from 0 to 1000"),
            ("verbose", "maybe", "true or false"),
        ]
    )
    func invalidValue(key: String, value: String, expected: String) {
        #expect(throws: PluginOptionError.invalidValue(plugin: "writes", key: key, value: value, expected: expected)) {
            try PluginOptionValues(for: WriteCounter(), settings: [(key, value)])
        }
    }

    @Test("booleans: true/false, yes/no, 1/0; strings are taken as written")
    func accepted() throws {
        for (text, value) in [("true", true), ("yes", true), ("1", true), ("false", false), ("no", false), ("0", false)] {
            #expect(try PluginOptionValues(for: WriteCounter(), settings: [("verbose", text)]).boolean("verbose") == value)
        }
        #expect(try PluginOptionValues(for: WriteCounter(), settings: [("label", "")]).string("label") == "")
        #expect(PluginOption.integer("n", default: 0, help: "").accepted == "an integer")
        #expect(PluginOption.integer("n", default: 0, in: 1...Int.max, help: "").accepted == "an integer of at least 1")
        #expect(PluginOption.integer("n", default: 0, in: Int.min...9, help: "").accepted == "an integer of at most 9")
    }
}

extension PluginOptionValuesTests {
    @Test("declarations the command line could not set are found: a bad key, a key twice, a default out of range")
    func unsoundDeclarations() {
        #expect(PluginOption.problem(in: WriteCounter().options) == nil)
        #expect(
            PluginOption.problem(in: [.boolean("Read Shared", default: false, help: "")])
                == "declares an option 'Read Shared' whose key is not lower-case letters, digits and '-'"
        )
        #expect(PluginOption.problem(in: [.string("", default: "", help: "")]) != nil)
        #expect(
            PluginOption.problem(in: [.boolean("a", default: false, help: ""), .integer("a", default: 1, help: "")])
                == "declares its option 'a' twice"
        )
        #expect(
            PluginOption.problem(in: [.integer("n", default: 0, in: 1...5, help: "")])
                == "declares its option 'n' with a default, '0', that is not an integer from 1 to 5"
        )
    }
}
