import Foundation
import SyncTrace
import SyncTraceFormat
import Testing

extension RecorderTests {
    @Suite("What a recording holds")
    struct RecordingTests {
        @Test("every event is recorded once, in program order, with consistent sequence numbers and call sites")
        func everyEventOnce() throws {
            let iterations = 1000
            let threadCount = 4
            let trace = try RecordedTrace.record {
                let mutex = TracedMutex(0, name: "mutex")
                let shared = TracedVar(0, name: "shared")
                let threads = (0..<threadCount).map { index in
                    TracedThread.spawn(name: "worker \(index)") {
                        for _ in 0..<iterations {
                            mutex.withLock { _ in shared[] += 1 }  // line A
                        }
                    }
                }
                for thread in threads { thread.join() }
                #expect(shared.value == iterations * threadCount)
            }
            #expect(trace.ending == .complete)
            let mutex = try trace.object("mutex")
            let shared = try trace.object("shared")

            // Per object: the sequence numbers of its operations are 0..<n, each exactly once.
            let mutexEvents = trace.events(on: mutex).filter { $0.operation != .request }
            #expect(mutexEvents.count == 2 * iterations * threadCount)
            #expect(Set(mutexEvents.map(\.sequence)) == Set(0..<UInt64(2 * iterations * threadCount)))
            let sharedEvents = trace.events(on: shared)
            #expect(sharedEvents.count == 2 * iterations * threadCount + 1)
            #expect(Set(sharedEvents.map(\.sequence)) == Set(0..<UInt64(2 * iterations * threadCount + 1)))

            // Per thread: program order is acq, r, w, rel, over and over.
            for index in 0..<threadCount {
                let thread = try trace.thread("worker \(index)")
                let operations = trace.events(of: thread).map(\.operation).filter { $0 != .request }
                let expected = Array(repeating: [TraceOperation.acquire, .read, .write, .release], count: iterations).flatMap { $0 }
                #expect(operations == expected)
                // Within a thread, a lock's numbers increase: its sections follow each other.
                let numbers = trace.events(of: thread).filter { $0.operation == .acquire }.map(\.sequence)
                #expect(numbers == numbers.sorted())
            }

            // Sequence numbers rebuild the real order: each acquire follows the previous release.
            let byNumber = mutexEvents.sorted { $0.sequence < $1.sequence }
            for (index, event) in byNumber.enumerated() {
                #expect(event.operation == (index % 2 == 0 ? .acquire : .release))
                if index % 2 == 1 { #expect(event.thread == byNumber[index - 1].thread) }
            }

            // Call sites: the line of the `withLock` and `shared[]`, and the spawn site of threads.
            let access = try #require(sharedEvents.first { $0.operation == .write })
            let location = try #require(trace.location(access))
            #expect(location.hasPrefix("SyncTraceTests/RecordingTests.swift:"))
            #expect(trace.location(try #require(mutexEvents.first)) == location)
            let worker = trace.symbols.thread(try trace.thread("worker 0"))
            #expect(trace.symbols.location(worker.location)?.hasPrefix("SyncTraceTests/RecordingTests.swift:") == true)
            #expect(worker.parent != nil)
        }

        @Test("fork and join are recorded by the parent, naming the child")
        func forkAndJoin() throws {
            let trace = try RecordedTrace.record {
                let child = TracedThread.spawn(name: "child") {}
                child.join()
            }
            let child = try trace.thread("child")
            let parent = try #require(trace.symbols.thread(child).parent)
            let parentEvents = trace.events(of: parent)
            #expect(parentEvents.map(\.operation) == [.fork, .join])
            #expect(parentEvents.allSatisfy { $0.otherThread == child })
        }

        @Test("16 threads × 100,000 events are all recorded, none lost")
        func noLoss() throws {
            let threadCount = 16
            let pairs = 50_000
            let trace = try RecordedTrace.record(options: TraceRecorderOptions(bufferCapacity: 1024, maximumQueuedBuffers: 4)) {
                let threads = (0..<threadCount).map { index in
                    TracedThread.spawn(name: "flooder \(index)") {
                        let lock = TracedLock(name: "lock \(index)")
                        for _ in 0..<pairs {
                            lock.lock()
                            lock.unlock()
                        }
                    }
                }
                for thread in threads { thread.join() }
            }
            #expect(trace.summary.droppedEventCount == 0)
            #expect(trace.summary.error == nil)
            for index in 0..<threadCount {
                let lock = try trace.object("lock \(index)")
                let events = trace.events(on: lock)
                #expect(events.count == 2 * pairs)
                #expect(events.map(\.sequence) == Array(0..<UInt64(2 * pairs)))
            }
            #expect(trace.events.count == threadCount * 2 * pairs + 2 * threadCount)
        }

        @Test("timestamps never go backwards within a thread")
        func timestamps() throws {
            let trace = try RecordedTrace.record {
                let lock = TracedLock(name: "ticking")
                for _ in 0..<20 {
                    lock.withLock { _ = usleep(500) }
                }
            }
            let stamps = trace.events(on: try trace.object("ticking")).map(\.timestamp)
            #expect(stamps == stamps.sorted())
            #expect(stamps.last! > stamps.first!)
        }
    }
}

extension RecorderTests.RecordingTests {
    @Test("under the drop policy a writer that falls behind loses whole buffers, and the trace says how many")
    func dropPolicy() throws {
        let options = TraceRecorderOptions(bufferCapacity: 16, maximumQueuedBuffers: 2, overflowPolicy: .dropEvents)
        let pairs = 200_000
        let trace = try RecordedTrace.record(options: options) {
            let lock = TracedLock(name: "busy")
            for _ in 0..<pairs {
                lock.lock()
                lock.unlock()
            }
        }
        let recorded = UInt64(trace.events(on: try trace.object("busy")).count)
        #expect(trace.summary.droppedEventCount > 0)
        #expect(recorded + trace.summary.droppedEventCount == UInt64(2 * pairs))
        #expect(trace.dropped == trace.summary.droppedEventCount)
        // What survived is in order: the sequence numbers only ever skip forward.
        let numbers = trace.events(on: try trace.object("busy")).map(\.sequence)
        #expect(numbers == numbers.sorted())
    }
}

extension RecorderTests.RecordingTests {
    @Test("a thread started another way is recorded from its first traced operation, and flushed when it exits")
    func foreignThread() throws {
        let trace = try RecordedTrace.record {
            let lock = TracedLock(name: "shared with a Foundation thread")
            let finished = TracedAtomic(false)
            let thread = Thread {
                lock.withLock {}
                finished.store(true)
            }
            thread.name = "foundation worker"
            thread.start()
            #expect(eventually { finished.load() })
            usleep(20_000)  // let the thread exit, which hands over its events
        }
        let events = trace.events(on: try trace.object("shared with a Foundation thread"))
        #expect(events.map(\.operation) == [.acquire, .release])
        // A thread the recorder did not start has no known parent; its name is the system's, if any.
        let thread = trace.symbols.thread(try #require(events.first).thread)
        #expect(thread.parent == nil)
        #expect(thread.name != "main")
    }
}
