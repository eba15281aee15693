import Foundation
import LostUpdateCounter
import RaceDetector
import SyncTrace
import SyncTraceFormat
import SyncTraceReplay
import Testing

extension RecorderTests {
    /// What a `TracedMutex` records of its value, and the lost updates the counter finds from it:
    /// check-then-act split over two critical sections is counted exactly, and a section that only
    /// reads is never counted.
    @Suite("Recorded mutex values")
    struct RecordedMutexValueTests {
        struct Analysis {
            var report: AnalysisReport
            var symbols: TraceSymbols
            var events: [TraceEvent]

            /// The lost-update finding's `lost` and `updates` on `variable` (0 when there is none).
            func lost(_ variable: String) -> Int { self.field("lost", variable) }
            func field(_ name: String, _ variable: String) -> Int {
                guard let finding = self.report.findings.first(where: { $0.plugin == "lost-update" && self.report.variable(of: $0) == variable }),
                    case .integer(let value) = finding.fields[name]
                else { return 0 }
                return value
            }
            var races: [Finding] { self.report.findings.filter { $0.plugin == "race" } }
            /// The operations recorded on the object named `name`, in file order.
            func operations(on name: String) -> [TraceOperation] {
                guard let object = self.symbols.objects.first(where: { $0.name == name }) else { return [] }
                return self.events.filter { $0.object == object.id && $0.operation.hasObject }.map(\.operation)
            }
        }

        static func analyse<Result>(_ body: () throws -> Result) throws -> (Analysis, Result) {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("mutex-\(UUID().uuidString).synctrace").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let result = try TraceRecorder.record(to: path, body).result
            let report = try TraceAnalysis.run(path: path, plugins: [RaceDetector(), LostUpdateCounter()])
            let reader = try BinaryTraceReader(path: path)
            var events: [TraceEvent] = []
            var batch: [TraceEvent] = []
            while try reader.nextBatch(into: &batch) { events.append(contentsOf: batch) }
            return (Analysis(report: report, symbols: reader.symbols, events: events), result)
        }

        @Test("check-then-act over two sections of one mutex (the issue's withdrawal): one update lost, no race")
        func checkThenAct() throws {
            let (analysis, final) = try Self.analyse { () -> Int in
                let balance = TracedMutex(100, name: "balance")
                let firstRead = TracedSemaphore(name: "first read")
                let secondRead = TracedSemaphore(name: "second read")
                let firstWrote = TracedSemaphore(name: "first wrote")
                let first = TracedThread.spawn {
                    let seen = balance.withLock { $0 }
                    firstRead.signal()
                    secondRead.wait()
                    balance.withLock { $0 = seen - 10 }
                    firstWrote.signal()
                }
                let second = TracedThread.spawn {
                    firstRead.wait()
                    let seen = balance.withLock { $0 }
                    secondRead.signal()
                    firstWrote.wait()
                    balance.withLock { $0 = seen - 20 }
                }
                first.join()
                second.join()
                return balance.withLock { $0 }
            }
            #expect(final == 80)  // 70 had nothing been lost
            #expect(analysis.lost("balance.value") == 1)
            #expect(analysis.field("updates", "balance.value") == 2)
            #expect(analysis.races.isEmpty)
            // Each copy out is a read (the main thread's last one too); each later write is a write
            // alone, since it follows the copy.
            let operations = analysis.operations(on: "balance.value")
            #expect(operations.filter { $0 == .read }.count == 3)
            #expect(operations.filter { $0 == .write }.count == 2)
        }

        /// How many of the updates that each added one bit of `final` are not in it: a stale write
        /// drops every bit it did not see, so the bits left are exactly the final write's line of
        /// descent, and the rest were lost.
        static func lostBits(_ count: Int, final: Int) -> Int { count - final.nonzeroBitCount }

        @Test("many threads doing check-then-act under a mutex: the lost updates are exactly those missing from the final value", arguments: 0..<3)
        func checkThenActAtScale(run: Int) throws {
            // Each thread adds its own bit, so every write changes the value's bytes (a write of the
            // bytes already there is not seen: the type's documentation says why).
            let threadCount = 62
            let (analysis, final) = try Self.analyse { () -> Int in
                let counter = TracedMutex(0, name: "counter")
                let threads = (0..<threadCount).map { index in
                    TracedThread.spawn {
                        let seen = counter.withLock { $0 }
                        sched_yield()
                        counter.withLock { $0 = seen | (1 << index) }
                    }
                }
                for thread in threads { thread.join() }
                return counter.withLock { $0 }
            }
            let operations = analysis.operations(on: "counter.value")
            #expect(
                analysis.lost("counter.value") == Self.lostBits(threadCount, final: final),
                "final value \(String(final, radix: 2)), \(operations.filter { $0 == .read }.count) reads, \(operations.filter { $0 == .write }.count) writes"
            )
            #expect(operations.filter { $0 == .write }.count == threadCount)
            #expect(analysis.races.isEmpty)
        }

        @Test("updates made inside one section lose nothing, however many read-only sections run beside them")
        func readOnlySectionsAreNeverLost() throws {
            let increments = 2000
            let (analysis, final) = try Self.analyse { () -> Int in
                let counter = TracedMutex(0, name: "counter")
                let writers = (0..<2).map { _ in
                    TracedThread.spawn {
                        for _ in 0..<increments / 2 { counter.withLock { $0 += 1 } }
                    }
                }
                let readers = (0..<2).map { index in
                    TracedThread.spawn {
                        var seen = 0
                        for _ in 0..<increments {
                            // A whole copy taken out, a part of it read, a look that returns nothing.
                            if index == 0 { seen = max(seen, counter.withLock { $0 }) }
                            else if counter.withLock({ $0 > increments }) { seen += 1 }
                            counter.withLock { _ in sched_yield() }
                        }
                    }
                }
                for thread in writers + readers { thread.join() }
                return counter.withLock { $0 }
            }
            #expect(final == increments)
            #expect(analysis.lost("counter.value") == 0)
            #expect(!analysis.report.findings.contains { $0.plugin == "lost-update" })
            let operations = analysis.operations(on: "counter.value")
            // Every increment is a read and a write; only the reader that copies the value out records reads besides.
            #expect(operations.filter { $0 == .write }.count == increments)
            #expect(operations.filter { $0 == .read }.count == increments + increments + 1)
            #expect(analysis.races.isEmpty)
        }

        @Test("a thread that copied the value out and then updates in one section is taken to write from its copy (the documented limit)")
        func copyThenUpdateIsTakenAsCheckThenAct() throws {
            // The same events as check-then-act: the recorder cannot see whether `+= 1` read the value
            // afresh, and says so in TracedMutex's documentation. This pins that behaviour.
            let (analysis, final) = try Self.analyse { () -> Int in
                let counter = TracedMutex(0, name: "counter")
                let copied = TracedSemaphore(name: "copied")
                let updated = TracedSemaphore(name: "updated")
                let copier = TracedThread.spawn {
                    _ = counter.withLock { $0 }
                    copied.signal()
                    updated.wait()
                    counter.withLock { $0 += 1 }
                }
                let updater = TracedThread.spawn {
                    copied.wait()
                    counter.withLock { $0 += 1 }
                    updated.signal()
                }
                copier.join()
                updater.join()
                return counter.withLock { $0 }
            }
            #expect(final == 2)  // nothing was lost in fact
            #expect(analysis.lost("counter.value") == 1)
        }

        @Test("a value behind a reference (an array): a copy taken out then written back loses the other thread's append")
        func arrayCheckThenAct() throws {
            let (analysis, final) = try Self.analyse { () -> [Int] in
                let items = TracedMutex([Int](), name: "items")
                let copied = TracedSemaphore(name: "copied")
                let appended = TracedSemaphore(name: "appended")
                let stale = TracedThread.spawn {
                    let copy = items.withLock { $0 }
                    copied.signal()
                    appended.wait()
                    items.withLock { $0 = copy + [1] }
                }
                let appender = TracedThread.spawn {
                    copied.wait()
                    items.withLock { $0.append(2) }
                    #expect(items.withLock { $0.count } == 1)  // a part read, no copy: nothing recorded
                    appended.signal()
                }
                stale.join()
                appender.join()
                return items.withLock { $0 }
            }
            #expect(final == [1])  // [2, 1] had nothing been lost
            #expect(analysis.lost("items.value") == 1)
            #expect(analysis.races.isEmpty)
        }

        @Test("a section that throws after changing the value records the write")
        func throwingSection() throws {
            struct Refused: Error {}
            let (analysis, _) = try Self.analyse {
                let value = TracedMutex(1, name: "value")
                #expect(throws: Refused.self) {
                    try value.withLock { (number: inout Int) throws(Refused) in
                        number = 2
                        throw Refused()
                    }
                }
                #expect(value.withLock { $0 } == 2)
            }
            #expect(analysis.operations(on: "value.value") == [.read, .write, .read])
        }

        @Test("tasks doing check-then-act across an await are each their own thread: the losses are counted exactly")
        func tasksAcrossAwait() async throws {
            let taskCount = 16
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("mutex-tasks-\(UUID().uuidString).synctrace").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let final = try await TraceRecorder.record(to: path) { () async -> Int in
                let counter = TracedMutex(0, name: "counter")
                let tasks = (0..<taskCount).map { index in
                    TracedTask(name: "task \(index)") {
                        let seen = counter.withLock { $0 }
                        await Task.yield()
                        counter.withLock { $0 = seen | (1 << index) }
                    }
                }
                for task in tasks { await task.value }
                return counter.withLock { $0 }
            }.result
            let report = try TraceAnalysis.run(path: path, plugins: [RaceDetector(), LostUpdateCounter()])
            let finding = report.findings.first { $0.plugin == "lost-update" }
            var lost = 0
            if let finding, case .integer(let count) = finding.fields["lost"] { lost = count }
            #expect(lost == Self.lostBits(taskCount, final: final), "final value \(String(final, radix: 2))")
            #expect(!report.findings.contains { $0.plugin == "race" })
        }
    }
}
