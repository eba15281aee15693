import DeadlockDetector
import Dispatch
import Foundation
import LostUpdateCounter
import RaceDetector
import SyncTrace
import SyncTraceFormat
import SyncTraceReplay
import Testing

extension RecorderTests {
    /// Recorded programs' traces cut at every frame boundary and inside every frame, as a crash that
    /// no handler catches leaves them: each cut is analysed up to its consistent cut, says so, and
    /// finds nothing that the whole trace does not find too — nothing at all in a correctly
    /// synchronized program.
    @Suite("Traces cut short, analysed up to their consistent cut")
    struct CutTraceAnalysisTests {
        /// A recording rewritten into frames of about 1 KiB (the recorder's are 1 MiB), with where each
        /// frame ends, so that cutting it gives many cut points.
        struct FramedRecording {
            var bytes: [UInt8]
            /// File offsets where frames end: the header's first, the end record's last.
            var frameEnds: [Int]
            /// The whole trace's analysis.
            var whole: AnalysisReport

            /// Records `body` and rewrites its trace batch by batch, in runs of at most 24 events.
            init(_ body: () throws -> Void) throws {
                let path = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(UUID().uuidString).synctrace").path
                defer { try? FileManager.default.removeItem(atPath: path) }
                _ = try TraceRecorder.record(to: path, body)
                let reader = try BinaryTraceReader(path: path)
                let writer = TraceWriter(header: reader.header, frameContent: 1024)
                // The header in a frame of its own, as the recorder writes it when it starts.
                try writer.flush()
                var frameEnds = [writer.writtenByteCount]
                var batch: [TraceEvent] = []
                while try reader.nextBatch(into: &batch) {
                    try writer.declare(symbolsFrom: reader.symbols)
                    for start in stride(from: 0, to: batch.count, by: 24) {
                        try writer.write(Array(batch[start..<min(start + 24, batch.count)]))
                        if writer.writtenByteCount != frameEnds.last { frameEnds.append(writer.writtenByteCount) }
                    }
                }
                #expect(reader.ending == .complete)
                // Every event in the file, and the end record in a last frame of its own: cutting that
                // off leaves a trace holding every event but not saying so.
                try writer.flush()
                if writer.writtenByteCount != frameEnds.last { frameEnds.append(writer.writtenByteCount) }
                try writer.finish()
                frameEnds.append(writer.writtenByteCount)
                self.bytes = writer.bytes
                self.frameEnds = frameEnds
                self.whole = try Self.analyse(self.bytes)
                #expect(self.whole.trace.ending == .complete)
                #expect(self.whole.trace.unanalysedEvents == 0)
            }

            static func analyse(_ bytes: [UInt8]) throws -> AnalysisReport {
                try TraceAnalysis.run(
                    source: try BinaryTraceReader(bytes: bytes),
                    plugins: [RaceDetector(), DeadlockDetector(), LostUpdateCounter()]
                )
            }

            /// Each frame boundary (the header frame's end first, the whole file but its end record
            /// last), and two points inside each frame after the header's.
            var cuts: [Int] {
                var cuts: [Int] = []
                for (index, end) in self.frameEnds.dropLast().enumerated() {
                    cuts.append(end)
                    let next = self.frameEnds[index + 1]
                    cuts += [end + 1, (end + next) / 2].filter { $0 < next }
                }
                return cuts
            }

            /// What each finding is about: its plugin and kind, and the variable or the locks it names.
            static func keys(_ report: AnalysisReport) -> Set<String> {
                Set(report.findings.map { finding in
                    var about = report.variable(of: finding) ?? ""
                    let locks = report.strings(finding.fields["locks"])
                    if !locks.isEmpty { about = locks.sorted().joined(separator: ",") }
                    return "\(finding.plugin)/\(finding.kind)/\(about)"
                })
            }

            /// Analyses every cut and checks what a cut trace's report must say; returns the findings'
            /// keys of every cut.
            func analyseEveryCut(sourceLocation: SourceLocation = #_sourceLocation) throws -> [Int: Set<String>] {
                #expect(self.frameEnds.count >= 8, "too few frames to cut: \(self.frameEnds.count)", sourceLocation: sourceLocation)
                var found: [Int: Set<String>] = [:]
                var analysedBefore: UInt64 = 0
                for cut in self.cuts {
                    let bytes = Array(self.bytes[..<cut])
                    let report = try Self.analyse(bytes)
                    let trace = report.trace
                    // Every event the cut file holds (but the recorder's `resume` markers, which order
                    // batches and are no events of the program) is analysed or counted as not.
                    let read = try Self.programEvents(bytes)
                    #expect(trace.analysedEvents + trace.unanalysedEvents == read, "cut at \(cut)", sourceLocation: sourceLocation)
                    guard case .truncated = trace.ending else {
                        Issue.record("cut at \(cut) of \(self.bytes.count): ending \(trace.ending)", sourceLocation: sourceLocation)
                        continue
                    }
                    #expect(!trace.reachesProgramEnd, sourceLocation: sourceLocation)
                    // A longer prefix holds every event a shorter one does: its consistent cut is no smaller.
                    #expect(trace.analysedEvents >= analysedBefore, "cut at \(cut)", sourceLocation: sourceLocation)
                    analysedBefore = trace.analysedEvents
                    let text = TextReportRenderer.render(report)
                    #expect(text.contains(" events analysed, "), "cut at \(cut)", sourceLocation: sourceLocation)
                    #expect(text.contains("(cut short: "), "cut at \(cut)", sourceLocation: sourceLocation)
                    #expect(text.contains(" in the analysed part (the trace was cut short).\n"), sourceLocation: sourceLocation)
                    found[cut] = Self.keys(report)
                }
                // Cut off only the end record: every event is there, and all of them are analysed.
                let last = try #require(self.cuts.last)
                let all = try Self.analyse(Array(self.bytes[..<last])).trace
                #expect(all.analysedEvents == self.whole.trace.analysedEvents, sourceLocation: sourceLocation)
                #expect(all.unanalysedEvents == 0, sourceLocation: sourceLocation)
                return found
            }

            /// The `req`s in the trace: how often a thread had to wait.
            func requestCount() throws -> Int {
                let reader = try BinaryTraceReader(bytes: self.bytes)
                var batch: [TraceEvent] = []
                var count = 0
                while try reader.nextBatch(into: &batch) { count += batch.count(where: { $0.operation == .request }) }
                return count
            }

            /// Events in `bytes` but `resume` markers.
            static func programEvents(_ bytes: [UInt8]) throws -> UInt64 {
                let reader = try BinaryTraceReader(bytes: bytes)
                var batch: [TraceEvent] = []
                var count: UInt64 = 0
                while try reader.nextBatch(into: &batch) { count += UInt64(batch.count(where: { $0.operation != .resume })) }
                return count
            }

            /// Checks that no cut finds anything.
            func expectNoFindingAtAnyCut(sourceLocation: SourceLocation = #_sourceLocation) throws {
                #expect(self.whole.findings.isEmpty, "\(self.whole.findings.map { self.whole.text($0.message) })", sourceLocation: sourceLocation)
                for (cut, keys) in try self.analyseEveryCut(sourceLocation: sourceLocation) where !keys.isEmpty {
                    Issue.record("cut at \(cut) of \(self.bytes.count): \(keys.sorted())", sourceLocation: sourceLocation)
                }
            }

            /// Checks that no cut finds what the whole trace does not; returns the cuts' findings.
            @discardableResult
            func expectOnlyWholeFindings(sourceLocation: SourceLocation = #_sourceLocation) throws -> Set<String> {
                let whole = Self.keys(self.whole)
                var seen: Set<String> = []
                for (cut, keys) in try self.analyseEveryCut(sourceLocation: sourceLocation) {
                    seen.formUnion(keys)
                    let extra = keys.subtracting(whole)
                    #expect(extra.isEmpty, "cut at \(cut): \(extra.sorted()) (whole: \(whole.sorted()))", sourceLocation: sourceLocation)
                }
                return seen
            }
        }

        /// Runs `body` on `count` traced threads that start it together, so that they contend (a
        /// thread started one after the other would often finish before the next one starts), and
        /// joins them. The start gate is untraced: it orders nothing the trace could see.
        static func together(_ count: Int, _ name: String, _ body: @escaping @Sendable (Int) -> Void) {
            let gate = DispatchSemaphore(value: 0)
            let threads = (0..<count).map { index in
                TracedThread.spawn(name: "\(name) \(index)") {
                    gate.wait()
                    body(index)
                }
            }
            for _ in 0..<count { gate.signal() }
            for thread in threads { thread.join() }
        }

        @Test("locks and mutexes, four contending threads: no cut finds anything, and no thread waits at the cut")
        func locks() throws {
            let trace = try FramedRecording {
                let lock = TracedLock(name: "lock")
                let shared = TracedVar(0, name: "shared")
                let counter = TracedMutex(0, name: "counter")
                // 100 rounds: every cut is analysed, so the test's time grows with the square of the
                // trace (a TracedMutex section records its value's read and write too).
                Self.together(4, "worker") { _ in
                    for round in 0..<100 {
                        lock.withLock {
                            shared[] += 1
                            // Now and then a longer critical section, so that the others wait for it.
                            if round % 5 == 0 { usleep(200) }
                        }
                        counter.withLock { $0 += 1 }
                    }
                }
                #expect(shared[] == 400)
            }
            // Contention: threads asked for locks others held, so a cut can leave a `req` whose `acq`
            // it lost.
            #expect(trace.whole.summaries["deadlock"]?.first == "no deadlocks")
            #expect(try trace.requestCount() > 0)
            try trace.expectNoFindingAtAnyCut()
        }

        /// A writer thread fills a ring of `slots` variables, sending each value on a channel of
        /// `capacity` after writing its slot; a reader receives it, then reads the slot. The k-th
        /// receive happens before the (k + capacity)-th send completes (for a rendezvous, before the
        /// k-th completes), so with `slots` at least `capacity + 2` each slot is read before it is
        /// written again — no race (one slot fewer would race: the next write and the read would both
        /// only follow the same receive).
        static func pipeline(capacity: Int, slots count: Int) -> [TracedThread] {
            let channel = TracedChannel<Int>(capacity: capacity, name: "channel of \(capacity)")
            let slots = (0..<count).map { TracedVar(0, name: "slot \($0) of \(capacity)") }
            let writer = TracedThread.spawn(name: "writer of \(capacity)") {
                for value in 0..<200 {
                    slots[value % count][] = value
                    channel.send(value)
                }
                channel.close()
            }
            let reader = TracedThread.spawn(name: "reader of \(capacity)") {
                for value in channel { #expect(slots[value % count][] == value) }
            }
            return [writer, reader]
        }

        @Test("channels, unbuffered and buffered: no cut finds anything")
        func channels() throws {
            let trace = try FramedRecording {
                // A rendezvous channel and one of capacity 3, each handing over a ring of slots.
                let threads = Self.pipeline(capacity: 0, slots: 2) + Self.pipeline(capacity: 3, slots: 5)
                for thread in threads { thread.join() }
            }
            try trace.expectNoFindingAtAnyCut()
        }

        @Test("wait groups, both ways: no cut finds anything")
        func waitGroups() throws {
            let trace = try FramedRecording {
                // Four workers live through 50 rounds. In each, main writes the round's input and
                // opens the `go` group (the workers wait on it); each worker reads the input, writes
                // its own result and is done with `finished` (main waits on it), then main reads the
                // results. Every round's groups are new, so each wait orders exactly one round.
                let input = TracedVar(0, name: "input")
                let results = (0..<4).map { TracedVar(0, name: "result \($0)") }
                let rounds = (0..<50).map { round in
                    (go: TracedWaitGroup(name: "go \(round)"), finished: TracedWaitGroup(name: "finished \(round)"))
                }
                for groups in rounds {
                    groups.go.add(1)
                    groups.finished.add(results.count)
                }
                let workers = results.enumerated().map { index, result in
                    TracedThread.spawn(name: "worker \(index)") {
                        for groups in rounds {
                            groups.go.wait()
                            result[] = input[] * index
                            groups.finished.done()
                        }
                    }
                }
                for (round, groups) in rounds.enumerated() {
                    input[] = round
                    groups.go.done()
                    groups.finished.wait()
                    #expect(results.map { $0[] }.reduce(0, +) == round * 6)
                }
                for worker in workers { worker.join() }
            }
            try trace.expectNoFindingAtAnyCut()
        }

        @Test("an unlocked counter: every cut finds only the race and lost updates of the whole trace")
        func racyCounter() throws {
            let trace = try FramedRecording {
                let counter = TracedVar(0, name: "counter")
                let lock = TracedLock(name: "unrelated")
                Self.together(4, "incrementer") { _ in
                    for _ in 0..<150 {
                        counter[] += 1
                        lock.withLock {}
                    }
                }
            }
            #expect(FramedRecording.keys(trace.whole).contains("race/data race/counter"))
            let seen = try trace.expectOnlyWholeFindings()
            #expect(seen.contains("race/data race/counter"))
        }

        @Test("a lock-order inversion: every cut finds only the whole trace's potential deadlock, never a thread blocked")
        func lockInversion() throws {
            let trace = try FramedRecording {
                let accounts = TracedLock(name: "accounts")
                let ledger = TracedLock(name: "ledger")
                let balance = TracedVar(0, name: "balance")
                // The two orders one after the other, told apart by an untraced semaphore (as in the
                // seed's example): the trace cannot see why they never met.
                let transferDone = DispatchSemaphore(value: 0)
                let transfer = TracedThread.spawn(name: "transfer") {
                    for _ in 0..<150 { accounts.withLock { ledger.withLock { balance[] += 1 } } }
                    transferDone.signal()
                }
                let audit = TracedThread.spawn(name: "audit") {
                    transferDone.wait()
                    for _ in 0..<150 { ledger.withLock { accounts.withLock { _ = balance[] } } }
                }
                transfer.join()
                audit.join()
            }
            #expect(FramedRecording.keys(trace.whole) == ["deadlock/potential/accounts,ledger"])
            let seen = try trace.expectOnlyWholeFindings()
            #expect(seen == ["deadlock/potential/accounts,ledger"])
        }
    }
}
