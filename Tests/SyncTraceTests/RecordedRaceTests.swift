import Foundation
import SyncTrace
import RaceDetector
import SyncTraceFormat
import SyncTraceReplay
import Testing

extension RecorderTests {
    /// The seed's programs, recorded for real and analysed: the racy ones report their race, the
    /// fixed ones report nothing.
    @Suite("Recorded programs, analysed")
    struct RecordedRaceTests {
        @Test("unsynchronized `x = 42` in a thread, read by main: a race on x")
        func unsynchronizedWrite() throws {
            let trace = try RecordedTrace.record {
                let x = TracedVar(0, name: "x")
                let writer = TracedThread.spawn(name: "writer") { x[] = 42 }
                _ = x[]  // no join before the read
                writer.join()
            }
            #expect(trace.racyVariables == ["x"])
            let report = trace.analysis
            let finding = try #require(report.findings.first)
            #expect(finding.events.allSatisfy { report.location(of: $0)?.hasPrefix("SyncTraceTests/RecordedRaceTests.swift:") == true })
            // The reader is the test's own thread, named by the system (not by a TracedThread).
            #expect(finding.events.map(report.threadName(of:)).filter { $0 == "writer" }.count == 1)
        }

        @Test("config written before the thread starts: no race")
        func configBeforeSpawn() throws {
            let trace = try RecordedTrace.record {
                let config = TracedVar("default", name: "config")
                config[] = "production"
                let reader = TracedThread.spawn(name: "reader") { _ = config[] }
                reader.join()
                config[] = "reloaded"
            }
            #expect(trace.racyVariables.isEmpty)
        }

        @Test("the racy counter races; its mutex, wait-group, channel and atomic fixes do not")
        func counterAndFixes() throws {
            let threadCount = 50
            let racy = try RecordedTrace.record {
                let counter = TracedVar(0, name: "counter")
                let threads = (0..<threadCount).map { _ in TracedThread.spawn { counter[] += 1 } }
                for thread in threads { thread.join() }
                _ = counter[]
            }
            #expect(racy.racyVariables == ["counter"])

            let mutex = try RecordedTrace.record {
                let lock = TracedMutex(0, name: "lock")
                let counter = TracedVar(0, name: "counter")
                let threads = (0..<threadCount).map { _ in TracedThread.spawn { lock.withLock { _ in counter[] += 1 } } }
                for thread in threads { thread.join() }
                #expect(counter[] == threadCount)
            }
            #expect(mutex.racyVariables.isEmpty)

            // Go's shape: the increments are serialized by a mutex, and main waits with a wait group
            // instead of joining, so only the wait group orders the final read.
            let waitGroup = try RecordedTrace.record {
                let lock = TracedLock(name: "lock")
                let group = TracedWaitGroup(name: "group")
                let counter = TracedVar(0, name: "counter")
                for _ in 0..<threadCount {
                    group.add(1)
                    TracedThread.spawn {
                        lock.withLock { counter[] += 1 }
                        group.done()
                    }
                }
                group.wait()
                #expect(counter[] == threadCount)
            }
            #expect(waitGroup.racyVariables.isEmpty)

            // One owner goroutine increments; the others send it requests over a channel.
            let channel = try RecordedTrace.record {
                let requests = TracedChannel<Int>(capacity: 4, name: "requests")
                let counter = TracedVar(0, name: "counter")
                let owner = TracedThread.spawn(name: "owner") { for _ in requests { counter[] += 1 } }
                let senders = (0..<threadCount).map { _ in TracedThread.spawn { requests.send(1) } }
                for sender in senders { sender.join() }
                requests.close()
                owner.join()
                #expect(counter[] == threadCount)
            }
            #expect(channel.racyVariables.isEmpty)

            let atomic = try RecordedTrace.record {
                let counter = TracedAtomic(0, name: "counter")
                let threads = (0..<threadCount).map { _ in TracedThread.spawn { counter.wrappingAdd(1) } }
                for thread in threads { thread.join() }
                #expect(counter.load() == threadCount)
            }
            #expect(atomic.racyVariables.isEmpty)
        }

        @Test("flag publication: a plain flag races, an atomic flag orders the data")
        func flagPublication() throws {
            let plain = try RecordedTrace.record {
                let data = TracedVar(0, name: "data")
                let ready = TracedVar(false, name: "ready")
                let writer = TracedThread.spawn {
                    data[] = 42
                    ready[] = true
                }
                while !ready[] { usleep(100) }
                _ = data[]
                writer.join()
            }
            #expect(plain.racyVariables.contains("ready"))
            #expect(plain.racyVariables.contains("data"))

            let atomic = try RecordedTrace.record {
                let data = TracedVar(0, name: "data")
                let ready = TracedAtomic(false, name: "ready")
                let writer = TracedThread.spawn {
                    data[] = 42
                    ready.store(true)
                }
                while !ready.load() { usleep(100) }
                _ = data[]
                writer.join()
            }
            #expect(atomic.racyVariables.isEmpty)
        }
    }
}

extension RecorderTests.RecordedRaceTests {
    @Test("a recorded trace, put in order, prints as a valid text trace with the same verdict")
    func dumpIsValidText() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dump-\(UUID().uuidString).synctrace").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try TraceRecorder.record(to: path) {
            let lock = TracedLock(name: "lock")
            let shared = TracedVar(0, name: "shared")
            let unguarded = TracedVar(0, name: "unguarded")
            let jobs = TracedChannel<Int>(name: "jobs")
            let threads = (0..<4).map { index in
                TracedThread.spawn(name: "worker \(index)") {
                    for _ in 0..<50 { lock.withLock { shared[] += 1 } }
                    unguarded[] += 1
                    jobs.send(index)
                }
            }
            for _ in 0..<4 { _ = jobs.receive() }
            for thread in threads { thread.join() }
        }

        var text = ""
        try TraceConversion.printText(OrderedTraceSource(try BinaryTraceReader(path: path))) { text += $0 }
        // Parsing checks every rule of the text form: lock exclusion, rendezvous, fork before events…
        let reparsed = try TraceAnalysis.run(source: TextTraceReader(text: text, fileName: "dump"), plugins: [RaceDetector()])
        let original = try TraceAnalysis.run(path: path, plugins: [RaceDetector()])
        #expect(reparsed.trace.events == original.trace.events)
        #expect(Set(reparsed.findings.flatMap(reparsed.objectNames(of:))) == ["unguarded"])
        #expect(Set(original.findings.flatMap(original.objectNames(of:))) == ["unguarded"])
    }
}
