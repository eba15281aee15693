import RaceDetector
import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

/// Suppression files: what parses, what matches, and what a report says it left out.
@Suite("Suppressions")
struct SuppressionTests {
    static let twoRaces = """
        T0|fork(T1)
        T0|fork(T2)
        T1|w(hits)|App/Cache.swift:10
        T2|w(hits)|App/Cache.swift:20
        T1|w(total)|App/Ledger.swift:5
        T2|r(total)|App/Ledger.swift:9
        """

    @Test("comments, blank lines and spaces are ignored; rules keep their lines")
    func parses() throws {
        let rules = try Suppressions(parsing: "# known\n\n  race:Cache.swift  \r\ndeadlock:^transfer(\nlockset:*\n", source: "s.txt")
        #expect(rules.rules.map(\.description) == ["race:Cache.swift", "deadlock:^transfer(", "lockset:*"])
        #expect(rules.rules.map(\.line) == [3, 4, 5])
        #expect(rules.plugins == ["race", "deadlock", "lockset"])
    }

    @Test("a line that is not TYPE:PATTERN is an error naming file and line")
    func rejects() {
        #expect(throws: Suppressions.ParseError.self) { try Suppressions(parsing: "race:x\nnot a rule\n", source: "s.txt") }
        do {
            _ = try Suppressions(parsing: "race:x\nnot a rule\n", source: "s.txt")
        } catch {
            #expect(error.description.hasPrefix("s.txt:2: expected TYPE:PATTERN"))
        }
        for bad in ["race:", "race:^", ":x", "ra ce:x"] {
            #expect(throws: Suppressions.ParseError.self, "\(bad)") { try Suppressions(parsing: bad, source: "s.txt") }
        }
    }

    @Test("patterns match anywhere unless anchored; * matches any run")
    func wildcards() throws {
        func matches(_ pattern: String, _ text: String) throws -> Bool {
            let rules = try Suppressions(parsing: "t:\(pattern)", source: "s")
            return rules.rules[0].patternMatches(text)
        }
        #expect(try matches("Cache", "App/Cache.swift:10"))
        #expect(try matches("^App/", "App/Cache.swift:10"))
        #expect(try !matches("^Cache", "App/Cache.swift:10"))
        #expect(try matches(":10$", "App/Cache.swift:10"))
        #expect(try !matches(":1$", "App/Cache.swift:10"))
        #expect(try matches("App*swift", "App/Cache.swift:10"))
        #expect(try matches("^App*10$", "App/Cache.swift:10"))
        #expect(try !matches("^App*11$", "App/Cache.swift:10"))
        #expect(try matches("^hits$", "hits"))
        #expect(try !matches("^hits$", "hits2"))
        #expect(try matches("*", "anything"))
        #expect(try matches("a*b*c", "xaybzc"))
        #expect(try !matches("a*b*c", "xaycb"))
    }

    @Test("a rule removes exactly the findings it names, of its plugin; the report counts them per rule")
    func removesWhatItNames() throws {
        var report = try TestAnalysis.analyze(text: Self.twoRaces, plugins: [RaceDetector()])
        #expect(report.findings.count == 2)
        let rules = try Suppressions(parsing: "race:Cache.swift\ndeadlock:Ledger\nrace:nothing-matches", source: "s.txt")
        report.suppress(rules)
        #expect(report.findings.map(report.variable(of:)) == ["total"])
        #expect(report.omitted.suppressed.map(\.rule.description) == ["race:Cache.swift"])
        #expect(report.omitted.suppressed.map(\.count) == [1])
        let text = TextReportRenderer.render(report)
        #expect(text.contains("SyncTrace: 1 finding suppressed (race:Cache.swift ×1)\n"))
        #expect(text.hasSuffix("Found 1 finding.\n"))
        let json = JSONReportRenderer.render(report)
        #expect(json.contains("\"rule\": \"race:Cache.swift\""))
    }

    @Test("object names match too, anchored")
    func objectNames() throws {
        var report = try TestAnalysis.analyze(text: Self.twoRaces, plugins: [RaceDetector()])
        report.suppress(try Suppressions(parsing: "race:^total$", source: "s"))
        #expect(report.findings.map(report.variable(of:)) == ["hits"])
    }
}
