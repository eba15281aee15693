import DeadlockDetector
import Foundation
import LostUpdateCounter
import RaceDetector
import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

/// One example run and what its trace must show.
struct ExampleCase: CustomTestStringConvertible, Sendable {
    /// The executable and its arguments.
    var program: String
    var arguments: [String] = []
    /// Extra environment (the watchdog's variables).
    var environment: [String: String] = [:]
    /// The exit status the run must end with.
    var status: Int32 = 0
    /// Text the program must print on stdout.
    var prints: String
    /// The variables the race detector must report, exactly.
    var races: Set<String> = []
    /// The variables the race predictor must report, exactly.
    var predicted: Set<String> = []
    /// The deadlock detector's findings' kinds ("potential", "actual") and the locks of each.
    var deadlocks: [(kind: String, locks: Set<String>)] = []
    /// How many potential deadlocks a schedule confirms (`analyze --predict`).
    var confirmed = 0
    /// Lost updates per variable, exactly; variables not named must lose none.
    var lost: [String: Int] = [:]
    /// A variable whose lost updates must be `updates` minus the value printed after `prefix`.
    var lostByPrinted: (variable: String, prefix: String, updates: Int)?

    var testDescription: String { ([self.program] + self.arguments).joined(separator: " ") }
}

@Suite("Examples: each records itself and its trace shows what the example is about")
struct ExampleTests {
    static let watchdog = ["SYNCTRACE_WATCHDOG": "0.5", "SYNCTRACE_WATCHDOG_ABORT": "1"]

    static let cases: [ExampleCase] = [
        ExampleCase(
            program: "RacyCounter", prints: "counter: ", races: ["counter"],
            lostByPrinted: ("counter", "counter: ", 1000)
        ),
        ExampleCase(program: "RacyCounter", arguments: ["--fixed"], prints: "counter: 1000\n"),
        ExampleCase(program: "SeedPrograms", arguments: ["unsynchronized-write"], prints: "main read x = ", races: ["x"]),
        ExampleCase(program: "SeedPrograms", arguments: ["config-before-spawn"], prints: "worker 2 sees config verbose=1"),
        ExampleCase(program: "SeedPrograms", arguments: ["channel-handoff"], prints: "consumer got \"hello\" through a channel of capacity 0"),
        ExampleCase(
            program: "SeedPrograms", arguments: ["buffered-channel-handoff"],
            prints: "consumer got \"hello\" through a channel of capacity 1"
        ),
        ExampleCase(program: "SeedPrograms", arguments: ["channel-mutex"], prints: "counter: 4 ("),
        ExampleCase(
            program: "SeedPrograms", arguments: ["channel-semaphore"], prints: "counter: ", races: ["counter"],
            lostByPrinted: ("counter", "counter: ", 4)
        ),
        ExampleCase(program: "SeedPrograms", arguments: ["waitgroup-fanout"], prints: "sum of squares from 4 workers: 14"),
        ExampleCase(program: "SeedPrograms", arguments: ["flag-plain"], prints: "reader saw ready, data = ", races: ["ready", "data"]),
        ExampleCase(program: "SeedPrograms", arguments: ["flag-atomic"], prints: "reader saw ready, data = 42"),
        ExampleCase(program: "SeedPrograms", arguments: ["lock-ordered"], prints: "reader saw result = 42", predicted: ["result"]),
        ExampleCase(program: "SeedPrograms", arguments: ["lock-ordered-fixed"], prints: "reader saw result = 42"),
        ExampleCase(program: "SeedPrograms", arguments: ["held-lock"], prints: "reader: got the cache after the loader released it"),
        ExampleCase(
            program: "SeedPrograms", arguments: ["lock-inversion"], prints: "no hang this time",
            deadlocks: [("potential", ["accounts", "ledger"])], confirmed: 1
        ),
        ExampleCase(
            program: "SeedPrograms", arguments: ["deadlock"], environment: Self.watchdog, status: 86,
            prints: "2 philosophers seated", deadlocks: [("actual", ["fork 0", "fork 1"])]
        ),
        ExampleCase(
            program: "SeedPrograms", arguments: ["check-then-act"],
            prints: "balance after withdrawing 10 and 20 from 100: ", lost: ["balance": 1]
        ),
        ExampleCase(
            program: "SwiftConcurrency", arguments: ["actor-reentrancy"],
            prints: "balance after withdrawing 100 and 200 from 1000: ", lost: ["balance": 1]
        ),
        ExampleCase(
            program: "SwiftConcurrency", arguments: ["actor-fixed"],
            prints: "balance after withdrawing 100 and 200 from 1000: 700"
        ),
        ExampleCase(
            program: "SwiftConcurrency", arguments: ["task-group-shared"], prints: "count from 8 children: ", races: ["count"],
            lostByPrinted: ("count", "count from 8 children: ", 8)
        ),
        ExampleCase(program: "SwiftConcurrency", arguments: ["task-group-slots"], prints: "sum of 1...8 from 8 slots: 36"),
        ExampleCase(program: "SwiftConcurrency", arguments: ["serial-queue"], prints: "counter after 100 items on a serial queue: 100"),
        ExampleCase(program: "SwiftConcurrency", arguments: ["concurrent-queue"], prints: "cache after two unsynchronized fills: ", races: ["cache"]),
        ExampleCase(program: "SwiftConcurrency", arguments: ["async-stream"], prints: "consumer received item 0, item 1, item 2, item 3"),
    ]

    @Test("the example's trace has exactly the expected findings", arguments: Self.cases)
    func example(_ example: ExampleCase) throws {
        let directory = try ExampleRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = directory.appendingPathComponent("example.synctrace").path
        var environment = example.environment
        environment["SYNCTRACE_OUTPUT"] = trace
        let result = try ExampleRunner.run(example.program, example.arguments, environment: environment, in: directory)
        #expect(result.status == example.status, "stderr: \(result.error)")
        #expect(result.output.contains(example.prints), "stdout: \(result.output)")

        let report = try TraceAnalysis.run(path: trace, plugins: [RaceDetector(), RacePredictor(), DeadlockDetector(confirmingCycles: true), LostUpdateCounter()])
        #expect(report.trace.ending == .complete)

        let races = report.findings.filter { $0.plugin == "race" }
        #expect(Set(races.flatMap { $0.objects.map { report.symbols.object($0.id).name } }) == example.races)
        #expect(races.count <= example.races.count, "at most one finding per racing variable")

        let predicted = report.findings.filter { $0.plugin == "predicted-race" }
        #expect(Set(predicted.flatMap { $0.objects.map { report.symbols.object($0.id).name } }) == example.predicted)

        let deadlocks = report.findings.filter { $0.plugin == "deadlock" }
        #expect(deadlocks.map(\.kind.rawValue) == example.deadlocks.map(\.kind))
        #expect(deadlocks.map { Set(report.strings($0.fields["locks"])) } == example.deadlocks.map(\.locks))
        #expect(deadlocks.filter { $0.fields["confirmed"] == .boolean(true) }.count == example.confirmed)

        var lost: [String: Int] = [:]
        for finding in report.findings where finding.plugin == "lost-update" {
            guard let variable = report.variable(of: finding), case .integer(let count)? = finding.fields["lost"] else {
                Issue.record("a lost-update finding without a variable or count: \(report.text(finding.message))")
                continue
            }
            lost[variable] = count
        }
        var expectedLost = example.lost
        if let byPrinted = example.lostByPrinted {
            let line = try #require(result.output.split(separator: "\n").first { $0.hasPrefix(byPrinted.prefix) })
            let printed = try #require(Int(line.dropFirst(byPrinted.prefix.count).prefix { $0.isNumber }))
            if printed != byPrinted.updates { expectedLost[byPrinted.variable] = byPrinted.updates - printed }
        }
        #expect(lost == expectedLost, "printed: \(result.output)")
    }

    @Test("every mode SeedPrograms lists has a case above, and a wrong mode is refused")
    func everyModeIsTested() throws {
        let directory = try ExampleRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let listing = try ExampleRunner.run("SeedPrograms", [], environment: [:], in: directory)
        #expect(listing.status == 0)
        let modes = listing.output.split(separator: "\n").dropFirst().compactMap { line in
            line.trimmingCharacters(in: .whitespaces).split(separator: ":").first.map(String.init)
        }
        let tested = Set(Self.cases.filter { $0.program == "SeedPrograms" }.flatMap(\.arguments))
        #expect(modes.count == 15)
        #expect(Set(modes) == tested)
        let wrong = try ExampleRunner.run("SeedPrograms", ["no-such-mode"], environment: [:], in: directory)
        #expect(wrong.status == 2)
        // Without the watchdog the deadlock would hang: it refuses and says how to run it.
        let unguarded = try ExampleRunner.run("SeedPrograms", ["deadlock"], environment: [:], in: directory)
        #expect(unguarded.status == 2)
        #expect(unguarded.output.contains("SYNCTRACE_WATCHDOG=1 SYNCTRACE_WATCHDOG_ABORT=1"))
    }

    @Test("every mode SwiftConcurrency lists has a case above, and a wrong mode is refused")
    func everyConcurrencyModeIsTested() throws {
        let directory = try ExampleRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let listing = try ExampleRunner.run("SwiftConcurrency", [], environment: [:], in: directory)
        #expect(listing.status == 0)
        let modes = listing.output.split(separator: "\n").dropFirst().compactMap { line in
            line.trimmingCharacters(in: .whitespaces).split(separator: ":").first.map(String.init)
        }
        let tested = Set(Self.cases.filter { $0.program == "SwiftConcurrency" }.flatMap(\.arguments))
        #expect(modes.count == 7)
        #expect(Set(modes) == tested)
        let wrong = try ExampleRunner.run("SwiftConcurrency", ["no-such-mode"], environment: [:], in: directory)
        #expect(wrong.status == 2)
    }
}


/// Runs an example executable built beside the tests in a child process.
enum ExampleRunner {
    typealias Result = ChildProcess.Result

    static func temporaryDirectory() throws -> URL {
        try ChildProcess.temporaryDirectory(prefix: "example")
    }

    /// Runs `program ARGUMENTS` in `directory`; a run that takes longer than `timeout` seconds is
    /// killed and fails the test.
    static func run(
        _ program: String,
        _ arguments: [String],
        environment: [String: String],
        in directory: URL,
        timeout: Double = 30
    ) throws -> Result {
        let result = try ChildProcess.run(
            ChildProcess.builtProduct(program),
            arguments: arguments,
            environment: environment,
            in: directory,
            timeout: timeout
        )
        if result.timedOut {
            Issue.record("\(program) \(arguments.joined(separator: " ")) ran for more than \(timeout) s: killed")
        }
        return result
    }
}
