import Foundation
import SyncTraceTestSupport
import Testing

/// A Chrome trace-event JSON file as `synctrace export --format perfetto` writes it, read back.
struct ExportedTimeline {
    var events: [[String: Any]]

    init(_ text: String) throws {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        self.events = try #require(root["traceEvents"] as? [[String: Any]])
    }

    init(file path: String) throws {
        try self.init(String(contentsOfFile: path, encoding: .utf8))
    }

    func of(phase: String) -> [[String: Any]] { self.events.filter { $0["ph"] as? String == phase } }

    /// Thread names by track id.
    var threads: [Int: String] {
        var names: [Int: String] = [:]
        for event in self.of(phase: "M") where event["name"] as? String == "thread_name" {
            names[event["tid"] as! Int] = (event["args"] as! [String: Any])["name"] as? String
        }
        return names
    }

    /// The operation slices (`cat` "sync" or "access"), by the replay index of their event.
    var operations: [Int: [String: Any]] {
        var byIndex: [Int: [String: Any]] = [:]
        for slice in self.of(phase: "X") where ["sync", "access"].contains(slice["cat"] as? String) {
            byIndex[(slice["args"] as! [String: Any])["event"] as! Int] = slice
        }
        return byIndex
    }

    /// Each flow arrow as (source event, target event, name): the operation slices its ends lie in.
    var arrows: [(from: Int, to: Int, name: String)] {
        let operations = self.operations.map { ($0.key, $0.value) }
        func operation(containing point: [String: Any]) -> Int? {
            let tid = point["tid"] as! Int
            let ts = point["ts"] as! Double
            return operations.first { _, slice in
                slice["tid"] as! Int == tid && (slice["ts"] as! Double) <= ts && ts <= (slice["ts"] as! Double) + (slice["dur"] as! Double)
            }?.0
        }
        let starts = Dictionary(uniqueKeysWithValues: self.of(phase: "s").map { ($0["id"] as! Int, $0) })
        return self.of(phase: "f").compactMap { end in
            guard let start = starts[end["id"] as! Int], let from = operation(containing: start), let to = operation(containing: end) else { return nil }
            return (from, to, end["name"] as! String)
        }
    }

    /// Whether the slices of every track nest: any two are disjoint or one contains the other.
    var slicesNest: Bool {
        var byTrack: [Int: [(Double, Double)]] = [:]
        for slice in self.of(phase: "X") {
            let start = slice["ts"] as! Double
            byTrack[slice["tid"] as! Int, default: []].append((start, start + (slice["dur"] as! Double)))
        }
        let epsilon = 1e-6
        for slices in byTrack.values {
            for (index, a) in slices.enumerated() {
                for b in slices[(index + 1)...] {
                    let disjoint = a.1 <= b.0 + epsilon || b.1 <= a.0 + epsilon
                    let aInB = b.0 <= a.0 + epsilon && a.1 <= b.1 + epsilon
                    let bInA = a.0 <= b.0 + epsilon && b.1 <= a.1 + epsilon
                    if !(disjoint || aInB || bInA) { return false }
                }
            }
        }
        return true
    }
}

@Suite("synctrace export --format perfetto")
struct ExportCommandTests {
    /// Every kind of cross-thread edge the timeline draws, each once. Lines are events 0, 1, 2, …
    static let everyEdge = """
        main|fork(A)|m.swift:1
        main|fork(B)|m.swift:2
        A|acq(L)|a.swift:1
        A|w(x)|a.swift:2
        A|rel(L)|a.swift:3
        B|acq(L)|b.swift:1
        B|r(x)|b.swift:2
        B|rel(L)|b.swift:3
        A|chan(c, 1)|a.swift:4
        A|send(c)|a.swift:5
        B|recv(c)|b.swift:4
        A|close(c)|a.swift:6
        B|recv(c)|b.swift:5
        A|wgadd(g, 1)|a.swift:7
        A|wgdone(g)|a.swift:8
        B|wgwait(g)|b.swift:6
        A|semsignal(s)|a.swift:9
        B|semwait(s)|b.swift:7
        A|csignal(k)|a.swift:10
        B|cwait(k)|b.swift:8
        main|join(A)|m.swift:3
        main|join(B)|m.swift:4

        """

    @Test("every thread is a track; every cross-thread edge is an arrow between the right two operations")
    func everyEdgeIsAnArrow() throws {
        let directory = try TemporaryDirectory()
        let trace = try directory.write("edges.trace", Self.everyEdge)
        let json = directory.path("edges.json")
        let result = try CommandRunner.run("export", trace, "--format", "perfetto", "--output", json)
        #expect(result.status == 0, "\(result.standardError)")
        let timeline = try ExportedTimeline(file: json)
        #expect(Set(timeline.threads.values) == ["main", "A", "B"])
        let arrows = timeline.arrows.map { "\($0.from)→\($0.to) \($0.name)" }
        #expect(
            Set(arrows) == [
                "0→2 fork → first event", "1→5 fork → first event", "4→5 release → acquire", "9→10 send → receive",
                "11→12 close → receive", "14→15 done → wait", "16→17 signal → wait", "18→19 signal → wait",
                "18→20 last event → join", "19→21 last event → join",
            ]
        )
        #expect(arrows.count == timeline.of(phase: "s").count, "every arrow's two ends lie in operations")
        #expect(timeline.slicesNest)
        // The display time increases along each track, in the trace's order.
        for track in timeline.threads.keys {
            let times = timeline.operations.filter { $0.value["tid"] as! Int == track }.sorted { $0.key < $1.key }.map { $0.value["ts"] as! Double }
            #expect(times == times.sorted() && Set(times).count == times.count)
        }
        // The hold of L by A spans its acquisition and release.
        let holds = timeline.of(phase: "X").filter { $0["cat"] as? String == "hold" }
        #expect(holds.map { $0["name"] as! String }.sorted() == ["hold L", "hold L"])
    }

    @Test("a wait is drawn from the request to the acquisition; the findings are marked at their events")
    func waitsAndFindings() throws {
        let directory = try TemporaryDirectory()
        let trace = try directory.write(
            "inversion.trace",
            """
            T0|fork(T1)|main.swift:1
            T0|fork(T2)|main.swift:2
            T1|acq(A)|one.swift:10
            T1|acq(B)|one.swift:11
            T1|rel(B)|one.swift:12
            T1|rel(A)|one.swift:13
            T2|acq(B)|two.swift:20
            T2|req(A)|two.swift:21
            T2|acq(A)|two.swift:21
            T2|rel(A)|two.swift:22
            T2|rel(B)|two.swift:23

            """
        )
        let result = try CommandRunner.run("export", trace, "--format", "perfetto")
        #expect(result.status == 0)
        let timeline = try ExportedTimeline(result.standardOutput)
        let waits = timeline.of(phase: "X").filter { $0["cat"] as? String == "wait" }
        let wait = try #require(waits.only)
        let operations = timeline.operations
        #expect(wait["name"] as? String == "wait A")
        #expect(wait["ts"] as? Double == operations[7]?["ts"] as? Double)
        #expect((wait["ts"] as! Double) + (wait["dur"] as! Double) == operations[8]?["ts"] as? Double)
        let marks = timeline.of(phase: "i").filter { $0["cat"] as? String == "finding" }
        #expect(marks.map { $0["name"] as! String } == [
            "POTENTIAL DEADLOCK: Acquired A", "POTENTIAL DEADLOCK: Requested B while holding A",
            "POTENTIAL DEADLOCK: Acquired B", "POTENTIAL DEADLOCK: Requested A while holding B",
        ])
        #expect(marks.map { $0["ts"] as? Double } == [2, 3, 6, 7].map { operations[$0]?["ts"] as? Double })
    }

    @Test("a request the trace cannot pair ends at the thread's next event; two requests are two waits")
    func unpairedRequests() throws {
        let directory = try TemporaryDirectory()
        let trace = try directory.write("unpaired.trace", "A|req(c)|a:1\nA|w(x)|a:2\nA|req(d)|a:3\nA|req(L)|a:4\nA|acq(L)|a:4\nA|rel(L)|a:5\n")
        let timeline = try ExportedTimeline(try CommandRunner.run("export", trace, "--format", "perfetto").standardOutput)
        let waits = timeline.of(phase: "X").filter { $0["cat"] as? String == "wait" }.map { $0["name"] as! String }
        #expect(waits == ["wait c", "wait d", "wait L"])
        #expect(timeline.slicesNest)
    }

    @Test("locks released out of order still nest: the inner hold ends and goes on after the release")
    func handOverHand() throws {
        let trace = (0..<50).flatMap { step in
            ["T0|acq(L\(step))|h.swift:1", "T0|acq(L\(step + 1))|h.swift:2", "T0|rel(L\(step))|h.swift:3", "T0|rel(L\(step + 1))|h.swift:4"]
        }.joined(separator: "\n")
        let directory = try TemporaryDirectory()
        let path = try directory.write("hand.trace", trace)
        let result = try CommandRunner.run("export", path, "--format", "perfetto")
        let timeline = try ExportedTimeline(result.standardOutput)
        #expect(timeline.slicesNest)
        #expect(timeline.of(phase: "X").filter { $0["cat"] as? String == "hold" }.count == 150)
    }

    @Test("--accesses draws reads and writes; --from/--to keep a window; --max-events caps the file and says so")
    func sizeControls() throws {
        let directory = try TemporaryDirectory()
        let trace = try directory.write("edges.trace", Self.everyEdge)
        let plain = try ExportedTimeline(try CommandRunner.run("export", trace, "--format", "perfetto").standardOutput)
        let withAccesses = try ExportedTimeline(try CommandRunner.run("export", trace, "--format", "perfetto", "--accesses").standardOutput)
        #expect(plain.operations.keys.filter { [3, 6].contains($0) }.isEmpty)
        #expect(withAccesses.operations[3]?["name"] as? String == "w x")
        #expect(withAccesses.operations[6]?["name"] as? String == "r x")

        // A recorded-like trace with timestamps: the binary form keeps them; 20,000 sections.
        var lines: [String] = []
        for step in 0..<10_000 { lines += ["A|acq(L)|a:\(step % 7)", "A|rel(L)|a:9"] }
        let big = try directory.write("big.trace", lines.joined(separator: "\n"))
        let capped = try CommandRunner.run("export", big, "--format", "perfetto", "--max-events", "500")
        #expect(capped.status == 0)
        #expect(capped.standardError.contains("the export stopped at --max-events 500"))
        let timeline = try ExportedTimeline(capped.standardOutput)
        #expect(timeline.events.count <= 510)
        let meta = try #require(timeline.of(phase: "M").first { $0["name"] as? String == "synctrace" })
        #expect((meta["args"] as? [String: Any])?["truncated"] as? Bool == true)
        // Text traces carry no timestamps (all 0): a window after 0 draws nothing but the metadata.
        let window = try ExportedTimeline(try CommandRunner.run("export", big, "--format", "perfetto", "--from", "1", "--to", "2").standardOutput)
        #expect(window.of(phase: "X").isEmpty)
    }

    @Test("2,000 threads handing one lock around: a track each, an arrow per hand-over, all nested")
    func manyThreads() throws {
        var lines: [String] = []
        for thread in 1...2_000 { lines.append("main|fork(W\(thread))|m:1") }
        for thread in 1...2_000 { lines += ["W\(thread)|acq(L)|w:1", "W\(thread)|w(x)|w:2", "W\(thread)|rel(L)|w:3"] }
        for thread in 1...2_000 { lines.append("main|join(W\(thread))|m:2") }
        let directory = try TemporaryDirectory()
        let path = try directory.write("many.trace", lines.joined(separator: "\n"))
        let result = try CommandRunner.run("export", path, "--format", "perfetto")
        #expect(result.status == 0)
        let timeline = try ExportedTimeline(result.standardOutput)
        #expect(timeline.threads.count == 2_001)
        let names = timeline.of(phase: "f").map { $0["name"] as! String }
        #expect(names.filter { $0 == "release → acquire" }.count == 1_999)
        #expect(names.filter { $0 == "fork → first event" }.count == 2_000)
        #expect(names.filter { $0 == "last event → join" }.count == 2_000)
        #expect(timeline.of(phase: "X").filter { $0["cat"] as? String == "hold" }.count == 2_000)
    }

    @Test("a binary trace cut in half is exported up to its consistent cut, valid JSON, with a warning")
    func cutTrace() throws {
        let directory = try TemporaryDirectory()
        let cut = try TraceFixtures.generatedTraceCutInHalf(in: directory)
        let result = try CommandRunner.run("export", cut, "--format", "perfetto", "--max-events", "20000")
        #expect(result.status == 0)
        #expect(result.standardError.contains("cut.synctrace was cut short"))
        let timeline = try ExportedTimeline(result.standardOutput)
        #expect(timeline.threads.count == 5)
        #expect(timeline.slicesNest)
    }

    @Test("wrong arguments and unwritable outputs have their statuses")
    func failures() throws {
        let directory = try TemporaryDirectory()
        let trace = try directory.write("edges.trace", Self.everyEdge)
        let noFormat = try CommandRunner.run("export", trace)
        #expect(noFormat.status == 2)
        let backwards = try CommandRunner.run("export", trace, "--format", "perfetto", "--from", "5", "--to", "1")
        #expect(backwards.status == 2)
        #expect(backwards.standardError.contains("--from 5.0 is after --to 1.0"))
        let unknown = try CommandRunner.run("export", trace, "--format", "svg")
        #expect(unknown.status == 2)
        let unwritable = try CommandRunner.run("export", trace, "--format", "perfetto", "--output", "/nonexistent/dir/t.json")
        #expect(unwritable.status == 4)
        let missing = try CommandRunner.run("export", directory.path("missing.trace"), "--format", "perfetto")
        #expect(missing.status == 2)
        let overwrite = try CommandRunner.run("export", trace, "--format", "perfetto", "--output", trace)
        #expect(overwrite.status == 2)
    }

    @Test("a recorded program: every thread a track, its channel hand-over an arrow, timestamps in microseconds")
    func recordedProgram() throws {
        let directory = try TemporaryDirectory()
        let trace = directory.path("handoff.synctrace")
        let program = ChildProcess.builtProduct("SeedPrograms")
        let run = try ChildProcess.run(program, arguments: ["channel-handoff"], environment: ["SYNCTRACE_OUTPUT": trace], inheritingEnvironment: true)
        #expect(run.status == 0, "\(run.error)")
        let json = directory.path("handoff.json")
        let result = try CommandRunner.run("export", trace, "--format", "perfetto", "--output", json)
        #expect(result.status == 0, "\(result.standardError)")
        let timeline = try ExportedTimeline(file: json)
        let stats = try CommandRunner.run("stats", trace, "--format", "json")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(stats.standardOutput.utf8)) as? [String: Any])
        #expect(timeline.threads.count == root["threads"] as? Int)
        #expect(timeline.arrows.contains { $0.name == "send → receive" })
        #expect(timeline.arrows.contains { $0.name == "fork → first event" })
        #expect(timeline.slicesNest)
    }
}
