import Foundation
import RaceDetector
import Synchronization
import SyncTrace
import SyncTraceFormat
import SyncTraceReplay
import Testing

extension RecorderTests {
    /// `TracedAtomic`'s memory orderings, recorded for real: each operation's event carries the
    /// ordering it ran with, and the analysis orders a payload published behind a flag exactly when
    /// the flag's orderings do.
    @Suite("Recorded atomic orderings")
    struct RecordedAtomicOrderingTests {
        /// The orderings of the recorded events on the atomic named `name`, in the replay's order.
        static func orderings(_ trace: RecordedTrace, of name: String) -> [String] {
            trace.ordered.filter { $0.operation.isAtomic && trace.symbols.object($0.object).name == name }.map {
                "\($0.operation.textName) \($0.atomicOrdering?.textName ?? "none")"
            }
        }

        @Test("each operation records the ordering it ran with; a failed compare-exchange is a load of its failure ordering")
        func recordedOrderings() throws {
            let trace = try RecordedTrace.record {
                let a = TracedAtomic(0, name: "a")
                #expect(a.load() == 0)
                a.store(1, ordering: .relaxed)
                #expect(a.load(ordering: .acquiring) == 1)
                #expect(a.load(ordering: .relaxed) == 1)
                a.store(2, ordering: .releasing)
                #expect(a.exchange(3, ordering: .acquiring) == 2)
                #expect(a.wrappingAdd(4, ordering: .relaxed) == (3, 7))
                #expect(a.wrappingSubtract(1, ordering: .acquiringAndReleasing) == (7, 6))
                #expect(a.compareExchange(expected: 6, desired: 8, successOrdering: .releasing, failureOrdering: .acquiring) == (true, 6))
                #expect(a.compareExchange(expected: 0, desired: 9, successOrdering: .acquiringAndReleasing, failureOrdering: .relaxed) == (false, 8))
                // One ordering: a failure is the strongest load ordering no stronger than it.
                #expect(a.compareExchange(expected: 0, desired: 9, ordering: .acquiringAndReleasing) == (false, 8))
                #expect(a.compareExchange(expected: 0, desired: 9, ordering: .releasing) == (false, 8))
                #expect(a.compareExchange(expected: 0, desired: 9) == (false, 8))
                #expect(a.compareExchange(expected: 8, desired: 0, ordering: .relaxed) == (true, 8))
                a.store(5)
            }
            #expect(
                Self.orderings(trace, of: "a") == [
                    "aload sequentiallyConsistent", "astore relaxed", "aload acquiring", "aload relaxed", "astore releasing",
                    "armw acquiring", "armw relaxed", "armw acquiringAndReleasing", "armw releasing", "aload relaxed",
                    "aload acquiring", "aload relaxed", "aload sequentiallyConsistent", "armw relaxed", "astore sequentiallyConsistent",
                ]
            )
        }

        /// Publishes `payload` behind `ready`: the consumer spins on a compare-exchange that succeeds
        /// (relaxed, changing nothing) while the flag is down and fails once it is up, with
        /// `failureOrdering`; it then reads the payload.
        static func publishBehindCompareExchange(failureOrdering: AtomicLoadOrdering) throws -> RecordedTrace {
            try RecordedTrace.record {
                let payload = TracedVar(0, name: "payload")
                let ready = TracedAtomic(false, name: "ready")
                let consumer = TracedThread.spawn(name: "consumer") {
                    while ready.compareExchange(expected: false, desired: false, successOrdering: .relaxed, failureOrdering: failureOrdering).exchanged {
                        usleep(100)
                    }
                    #expect(payload[] == 42)
                }
                payload[] = 42
                ready.store(true, ordering: .releasing)
                consumer.join()
            }
        }

        @Test("a failed compare-exchange acquires with an acquiring failure ordering, and not with a relaxed one")
        func failedCompareExchange() throws {
            let acquiring = try Self.publishBehindCompareExchange(failureOrdering: .acquiring)
            #expect(Self.orderings(acquiring, of: "ready").last == "aload acquiring")
            #expect(acquiring.racyVariables.isEmpty)
            let relaxed = try Self.publishBehindCompareExchange(failureOrdering: .relaxed)
            #expect(Self.orderings(relaxed, of: "ready").last == "aload relaxed")
            #expect(relaxed.racyVariables == ["payload"])
        }

        /// Records `RecorderProbe publish ORDERINGS` in a child process and returns the variables the
        /// race detector reports, and the orderings of the flag's store and last load.
        static func publish(_ orderings: String) throws -> (racy: Set<String>, flag: [String]) {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try Probe.run("\"$PROBE\" publish \(orderings)", environment: ["SYNCTRACE_OUTPUT": "publish.synctrace"], in: directory)
            #expect(result.status == 0, "\(result.error)")
            #expect(result.output == "payload 42\n")
            let path = directory.appendingPathComponent("publish.synctrace").path
            let report = try TraceAnalysis.run(path: path, plugins: [RaceDetector()])
            #expect(report.trace.isComplete)
            let racy = Set(report.findings.flatMap(report.objectNames(of:)))
            let (events, reader) = try Probe.read(path)
            let flag = events.filter { $0.operation.isAtomic && reader.symbols.object($0.object).name == "ready" }
            let byConsumer = { (event: TraceEvent) in reader.symbols.thread(event.thread).name == "consumer" }
            let described = [flag.last { !byConsumer($0) }, flag.last(where: byConsumer)].compactMap { $0 }.map {
                "\($0.operation.textName) \($0.atomicOrdering?.textName ?? "none")"
            }
            return (racy, described)
        }

        @Test("a payload behind a relaxed flag races every run; behind a releasing store and an acquiring load, never", arguments: 0..<3)
        func publishedPayload(run: Int) throws {
            let relaxed = try Self.publish("relaxed")
            #expect(relaxed.racy == ["payload"])
            #expect(relaxed.flag == ["astore relaxed", "aload relaxed"])
            let acquireRelease = try Self.publish("acquire-release")
            #expect(acquireRelease.racy.isEmpty)
            #expect(acquireRelease.flag == ["astore releasing", "aload acquiring"])
            let relaxedLoad = try Self.publish("relaxed-load")
            #expect(relaxedLoad.racy == ["payload"])
            #expect(relaxedLoad.flag == ["astore releasing", "aload relaxed"])
        }

        @Test("read-modify-writes and the sequentially consistent defaults publish it too")
        func publishedByOtherOrderings() throws {
            let exchange = try Self.publish("exchange")
            #expect(exchange.racy.isEmpty)
            #expect(exchange.flag == ["armw releasing", "armw acquiringAndReleasing"])
            let defaults = try Self.publish("default")
            #expect(defaults.racy.isEmpty)
            #expect(defaults.flag == ["astore sequentiallyConsistent", "aload sequentiallyConsistent"])
        }
    }
}
