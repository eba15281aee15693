import Foundation
import SyncTraceFormat
import Testing

/// What every verb does with a file that holds no trace, and how `analyze`, `stats` and `dump` tell
/// a complete trace, one a signal ended, and one cut short apart — in their output and, for
/// `analyze`, in the exit status (0, 1 or 3).
@Suite("synctrace and how a trace ended")
struct TraceEndingTests {
    static let emptyReason = "the file is empty: no trace was written to it (the process may have died before its first write)"

    /// The JSON document `analyze --format json` printed.
    static func json(_ result: CommandResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    }

    @Test("every verb refuses a file that holds no trace: exit status 2, one line naming the file and why, nothing on stdout")
    func noTrace() throws {
        let directory = try TemporaryDirectory()
        let empty = try directory.write("empty.synctrace", "")
        let comments = try directory.write("comments.trace", "# nothing was traced\n\n")
        let whole = try TraceFixtures.lockedCounter(rounds: 4, path: directory.path("whole.synctrace"), ending: .complete)
        // Cut inside the header frame, and inside the LZ4 magic itself.
        let headerCut = directory.path("header-cut.synctrace")
        try whole.bytes.prefix(whole.frameEnds[0] - 1).write(to: URL(fileURLWithPath: headerCut))
        let magicCut = directory.path("magic-cut.synctrace")
        try whole.bytes.prefix(2).write(to: URL(fileURLWithPath: magicCut))
        let inputs = [
            (empty, "\(empty): \(Self.emptyReason)"),
            ("/dev/null", "/dev/null: \(Self.emptyReason)"),
            (headerCut, "\(headerCut): at byte offset \(whole.frameEnds[0] - 1): the file ends inside its first LZ4 frame"),
            (magicCut, "\(magicCut): at byte offset 2: the file ends inside its first LZ4 frame"),
            (comments, "\(comments): no trace: its 2 lines are all blank or comments, and a text trace is its event lines"),
        ]
        for (input, reason) in inputs {
            let output = directory.path("out")
            for verb in [["analyze", input], ["analyze", input, "--format", "json"], ["stats", input], ["dump", input], ["convert", input, output]] {
                let result = try CommandRunner.run(verb)
                #expect(result.status == 2, "\(verb)")
                #expect(result.standardOutput.isEmpty, "\(verb)")
                #expect(result.standardError.hasPrefix("synctrace: \(reason)"), "\(verb): \(result.standardError)")
                #expect(result.standardError.split(separator: "\n").count == 1, "\(verb)")
                #expect(!FileManager.default.fileExists(atPath: output), "\(verb) left an output")
            }
        }
    }

    @Test("a clean run cut at every frame boundary and inside each frame: no findings, exit status 3, and the report says so")
    func cutAtEveryFrame() throws {
        let directory = try TemporaryDirectory()
        let trace = try TraceFixtures.lockedCounter(rounds: 300, path: directory.path("whole.synctrace"), ending: .complete)
        #expect(trace.frameEnds.count > 5)
        let whole = try CommandRunner.run("analyze", directory.path("whole.synctrace"))
        #expect(whole.status == 0)
        #expect(whole.standardOutput.hasSuffix("(complete)\nrace: no data races\ndeadlock: no deadlocks\n"
            + "deadlock: lock-order graph: 0 edges, 0 cycles examined\nlost-update: no lost updates (300 updates)\nNo findings.\n"))
        let path = directory.path("cut.synctrace")
        for (index, end) in trace.frameEnds.dropLast().enumerated() {
            for cut in [end, (end + trace.frameEnds[index + 1]) / 2] {
                try trace.bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
                let result = try CommandRunner.run("analyze", path)
                #expect(result.status == 3, "cut at \(cut): \(result.standardOutput)")
                #expect(result.standardOutput.contains(" events analysed, "), "cut at \(cut)")
                #expect(result.standardOutput.contains("\nrace: no data races in the analysed part\n"), "cut at \(cut)")
                #expect(result.standardOutput.hasSuffix("No findings in the analysed part (the trace was cut short).\n"), "cut at \(cut)")
                #expect(result.standardError.hasPrefix("synctrace: warning: \(path) was cut short ("), "cut at \(cut)")
            }
        }
    }

    @Test("RacyCounter recorded, fixed and racy, cut at frame boundaries: 3 with no finding, 1 only with the whole trace's findings")
    func recordedRacyCounter() throws {
        let directory = try TemporaryDirectory()
        let program = CommandRunner.executable.deletingLastPathComponent().appendingPathComponent("RacyCounter")
        for arguments in [["--fixed"], []] {
            let recorded = directory.path("recorded.synctrace")
            let run = try CommandRunner.run(program, arguments, environment: ["SYNCTRACE_OUTPUT": recorded])
            #expect(run.status == 0, "\(run.standardError)")
            let (bytes, frameEnds) = try Self.reframed(recorded)
            #expect(frameEnds.count > 10)
            let path = directory.path("cut.synctrace")
            var expected: Set<String> = []
            // Five frame boundaries spread over the trace: each run replays a thousand threads, and
            // every cut of recorded programs is replayed in-process by SyncTraceTests' cut tests.
            let step = max(1, frameEnds.count / 5)
            for cut in [bytes.count] + stride(from: 0, to: frameEnds.count - 1, by: step).map({ frameEnds[$0] }) {
                try Data(bytes.prefix(cut)).write(to: URL(fileURLWithPath: path))
                let result = try CommandRunner.run("analyze", path, "--format", "json")
                let root = try Self.json(result)
                let findings = try #require(root["findings"] as? [[String: Any]])
                let keys = Set(findings.map { "\($0["plugin"] as? String ?? "")/\($0["variable"] as? String ?? "")" })
                if cut == bytes.count {
                    // The whole trace: the fixed counter finds nothing, the racy one its race.
                    #expect(keys.isEmpty == (arguments == ["--fixed"]))
                    #expect(arguments == ["--fixed"] || keys.contains("race/counter"))
                    #expect(result.status == (keys.isEmpty ? 0 : 1))
                    expected = keys
                    continue
                }
                #expect(keys.isSubset(of: expected), "cut at \(cut): \(keys.sorted())")
                #expect(result.status == (keys.isEmpty ? 3 : 1), "cut at \(cut)")
                let trace = try #require(root["trace"] as? [String: Any])
                #expect(trace["ending"] as? String == "cut short")
            }
        }
    }

    /// The recorded trace at `path` rewritten in frames of about 1 KiB, one recorder batch after
    /// another (RacyCounter's thousand threads hand over a batch each), with where each frame ends.
    static func reframed(_ path: String) throws -> (bytes: [UInt8], frameEnds: [Int]) {
        let reader = try BinaryTraceReader(path: path)
        let writer = TraceWriter(header: reader.header, frameContent: 1024)
        var frameEnds: [Int] = []
        var events: [TraceEvent] = []
        while try reader.nextBatch(into: &events) {
            try writer.declare(symbolsFrom: reader.symbols)
            try writer.write(events)
            if writer.writtenByteCount > frameEnds.last ?? 0 { frameEnds.append(writer.writtenByteCount) }
        }
        try writer.finish()
        frameEnds.append(writer.writtenByteCount)
        return (writer.bytes, frameEnds)
    }

    @Test("a req whose acq is not in the file: blocked forever when complete, at the signal when a signal ended it, unknown when cut short")
    func waitingAtTheEnd() throws {
        let directory = try TemporaryDirectory()
        let complete = directory.path("complete.synctrace")
        let signal = directory.path("signal.synctrace")
        let cut = directory.path("cut.synctrace")
        try TraceFixtures.waitingForLock(path: complete, ending: .complete)
        try TraceFixtures.waitingForLock(path: signal, ending: .signal(SIGTERM))
        try TraceFixtures.waitingForLock(path: cut, ending: .cutShort)

        let forever = try CommandRunner.run("analyze", complete, "--plugin", "deadlock")
        #expect(forever.status == 1)
        #expect(forever.standardOutput.contains("WARNING: BLOCKED FOREVER\n"))

        let atSignal = try CommandRunner.run("analyze", signal, "--plugin", "deadlock")
        #expect(atSignal.status == 1)
        #expect(atSignal.standardOutput.contains("WARNING: BLOCKED AT SIGNAL\n"))
        #expect(atSignal.standardOutput.contains("Waits for lock m, held by main, until the signal: req(m) by thread worker:\n  Worker.swift:8\n"))
        #expect(atSignal.standardOutput.contains(
            "(the process died of signal 15 (SIGTERM) with every recorded event written)\ndeadlock: 1 thread blocked at signal 15 (SIGTERM)\n"
        ))

        let unknown = try CommandRunner.run("analyze", cut, "--plugin", "deadlock")
        #expect(unknown.status == 3)
        #expect(!unknown.standardOutput.contains("WARNING"))
        #expect(unknown.standardOutput.contains("(cut short: 3 events analysed, none left waiting behind a gap)\n"))
        #expect(unknown.standardOutput.contains("\ndeadlock: no deadlocks in the analysed part\n"))
        #expect(unknown.standardOutput.contains("threads waiting at the end of the analysed part are not reported"))
    }

    @Test("JSON: complete, ending, signal and the analysed and unanalysed events, for each ending")
    func jsonEndings() throws {
        let directory = try TemporaryDirectory()
        let complete = directory.path("complete.synctrace")
        let signal = directory.path("signal.synctrace")
        let cut = directory.path("cut.synctrace")
        let events = try TraceFixtures.lockedCounter(rounds: 10, path: complete, ending: .complete).events
        _ = try TraceFixtures.lockedCounter(rounds: 10, path: signal, ending: .signal(SIGSEGV))
        try TraceFixtures.cutBeforeRelease(path: cut)
        let cases: [(path: String, status: Int32, complete: Bool, ending: String, signal: Int?, analysed: Int, unanalysed: Int)] = [
            (complete, 0, true, "complete", nil, events, 0),
            (signal, 0, false, "signal", Int(SIGSEGV), events, 0),
            (cut, 3, false, "cut short", nil, 3, 3),
        ]
        for expected in cases {
            let result = try CommandRunner.run("analyze", expected.path, "--format", "json")
            #expect(result.status == expected.status, "\(expected.ending)")
            let trace = try #require(try Self.json(result)["trace"] as? [String: Any])
            #expect(trace["complete"] as? Bool == expected.complete, "\(expected.ending)")
            #expect(trace["ending"] as? String == expected.ending)
            if let number = expected.signal {
                #expect(trace["signal"] as? Int == number)
            } else {
                #expect(trace["signal"] is NSNull, "\(expected.ending)")
            }
            #expect(trace["analysedEvents"] as? Int == expected.analysed, "\(expected.ending)")
            #expect(trace["events"] as? Int == expected.analysed, "\(expected.ending)")
            #expect(trace["unanalysedEvents"] as? Int == expected.unanalysed, "\(expected.ending)")
        }
        let text = try CommandRunner.run("analyze", cut)
        #expect(text.standardOutput.contains("analysed \(cut): 2 threads, 2 objects (cut short: 3 events analysed, 3 after the first gap not analysed)\n"))
        #expect(text.standardError.contains("analysed the 3 events before its first gap, left out 3 read after it"))
        let signalled = try CommandRunner.run("analyze", signal)
        #expect(signalled.standardOutput.contains("(the process died of signal 11 (SIGSEGV) with every recorded event written)\n"))
        #expect(signalled.standardOutput.hasSuffix("No findings.\n"))
    }

    @Test("stats and dump say how the trace ended, and exit 0")
    func statsAndDump() throws {
        let directory = try TemporaryDirectory()
        let signal = directory.path("signal.synctrace")
        let cut = directory.path("cut.synctrace")
        _ = try TraceFixtures.lockedCounter(rounds: 10, path: signal, ending: .signal(SIGABRT))
        try TraceFixtures.cutBeforeRelease(path: cut)

        let signalStats = try CommandRunner.run("stats", signal)
        #expect(signalStats.status == 0)
        #expect(signalStats.standardOutput.contains("ended:             the process died of signal 6 (SIGABRT) with every recorded event written\n"))
        let signalJSON = try Self.json(try CommandRunner.run("stats", signal, "--format", "json"))
        #expect(signalJSON["complete"] as? Bool == false)
        #expect(signalJSON["ending"] as? String == "signal")
        #expect(signalJSON["signal"] as? Int == Int(SIGABRT))

        let cutStats = try CommandRunner.run("stats", cut)
        #expect(cutStats.status == 0)
        #expect(cutStats.standardOutput.contains("ended:             cut short after 6 events (no end record)\n"))

        let signalDump = try CommandRunner.run("dump", signal)
        #expect(signalDump.status == 0)
        #expect(signalDump.standardError == "synctrace: warning: \(signal): the process died of signal 6 (SIGABRT) with every recorded event written\n")
        let cutDump = try CommandRunner.run("dump", cut)
        #expect(cutDump.status == 0)
        // The consistent cut: the worker's events after its request wait for main's lost release.
        #expect(cutDump.standardOutput.split(separator: "\n").filter { !$0.hasPrefix("#") } == ["main|fork(worker)", "main|acq(m)", "worker|req(m)"])
        #expect(
            cutDump.standardError
                == "synctrace: warning: \(cut) was cut short (no end record): printed the 3 events before its first gap, left out 3 read after it\n"
        )
    }
}
