import CSyncTraceRuntime
import Foundation
@testable import SyncTrace
import SyncTraceFormat
import Testing

/// The recorder's event storage: the pool by size, the buffers that grow, the 32-bit stamps.
@Suite("Recorder event storage")
struct EventBufferPoolTests {
    @Test("storage given back is handed out again for the same size, and only for that size")
    func reuseBySize() {
        let pool = EventBufferPool(byteLimit: 1 << 20)
        let small = pool.take(capacity: 256)
        let large = pool.take(capacity: 1024)
        // Every slot can be written (AddressSanitizer checks the bounds in `Scripts/asan.sh`).
        small.initialize(repeating: synctrace_event(), count: 256)
        large.initialize(repeating: synctrace_event(), count: 1024)
        pool.give(small, capacity: 256)
        pool.give(large, capacity: 1024)
        #expect(pool.freeByteCount == (256 + 1024) * MemoryLayout<synctrace_event>.stride)
        let again = pool.take(capacity: 1024)
        #expect(again == large)
        let other = pool.take(capacity: 512)
        #expect(other != small && other != large)
        #expect(pool.take(capacity: 256) == small)
        #expect(pool.freeByteCount == 0)
        for (storage, capacity) in [(again, 1024), (other, 512), (small, 256)] { pool.give(storage, capacity: capacity) }
    }

    @Test("the pool keeps at most its byte limit and frees the rest")
    func byteLimit() {
        let stride = MemoryLayout<synctrace_event>.stride
        let pool = EventBufferPool(byteLimit: 3 * 256 * stride)
        let storage = (0..<5).map { _ in pool.take(capacity: 256) }
        #expect(Set(storage).count == 5)
        for item in storage { pool.give(item, capacity: 256) }
        #expect(pool.freeByteCount == 3 * 256 * stride)
        let taken = (0..<3).map { _ in pool.take(capacity: 256) }
        #expect(Set(taken).isSubset(of: Set(storage)))
        #expect(pool.freeByteCount == 0)
        for item in taken { pool.give(item, capacity: 256) }
    }

    @Test("a 32-bit stamp is restored from a later clock, across the wrap")
    func timestampUnwrap() {
        #expect(synctrace_unwrap_timestamp(1_234, 5_000) == 1_234)
        #expect(synctrace_unwrap_timestamp(5_000, 5_000) == 5_000)
        // Stamped just before the low half wrapped, read just after.
        let now: UInt64 = (1 << 32) + 16
        #expect(synctrace_unwrap_timestamp(UInt32.max - 15, now) == (1 << 32) - 16)
        #expect(synctrace_unwrap_timestamp(16, now) == now)
        // Several wraps in: the high half comes from the clock.
        let later: UInt64 = (7 << 32) + 100
        #expect(synctrace_unwrap_timestamp(99, later) == later - 1)
        #expect(synctrace_unwrap_timestamp(UInt32.max, later) == (7 << 32) - 1)
    }
}

extension RecorderTests {
    @Suite("Buffers that grow")
    struct GrowingBufferTests {
        @Test("a thread's buffer grows from 256 events to the full capacity without losing or reordering one")
        func growthKeepsEverything() throws {
            let pairs = 20_000
            // 256, 512, …, 4096 and then full copies: every size the buffer goes through.
            let trace = try RecordedTrace.record(options: TraceRecorderOptions(bufferCapacity: 4096)) {
                let worker = TracedThread.spawn(name: "grower") {
                    let lock = TracedLock(name: "grown")
                    for _ in 0..<pairs {
                        lock.lock()
                        lock.unlock()
                    }
                }
                worker.join()
            }
            #expect(trace.summary.droppedEventCount == 0)
            let lock = try trace.object("grown")
            let events = trace.events(on: lock)
            #expect(events.count == 2 * pairs)
            #expect(events.map(\.sequence) == Array(0..<UInt64(2 * pairs)))
            let worker = try trace.thread("grower")
            #expect(events.allSatisfy { $0.thread == worker })
            let operations = events.map(\.operation)
            #expect(operations == Array(repeating: [TraceOperation.acquire, .release], count: pairs).flatMap { $0 })
        }

        @Test("a thousand short threads, each growing its own buffer, are all recorded")
        func manyShortThreads() throws {
            let threadCount = 1_000
            let iterations = 200
            let trace = try RecordedTrace.record {
                let lock = TracedLock(name: "shared")
                let counter = TracedVar(0, name: "counter")
                let threads = (0..<threadCount).map { index in
                    TracedThread.spawn(name: "short \(index)") {
                        for _ in 0..<iterations { lock.withLock { counter[] += 1 } }
                    }
                }
                for thread in threads { thread.join() }
                #expect(counter.read() == threadCount * iterations)
            }
            #expect(trace.summary.droppedEventCount == 0)
            let counter = try trace.object("counter")
            let accesses = trace.events(on: counter)
            #expect(accesses.count == 2 * threadCount * iterations + 1)
            #expect(Set(accesses.map(\.sequence)).count == accesses.count)
            #expect(trace.racyVariables.isEmpty)
        }

        @Test("flushes asked for while the writer is busy all return, and lose nothing")
        func flushesWhileBusy() throws {
            let pairs = 200_000
            let trace = try RecordedTrace.record(options: TraceRecorderOptions(bufferCapacity: 512, maximumQueuedBuffers: 2)) {
                let flooder = TracedThread.spawn(name: "flooder") {
                    let lock = TracedLock(name: "flooded")
                    for _ in 0..<pairs {
                        lock.lock()
                        lock.unlock()
                    }
                }
                let flushers = (0..<2).map { index in
                    TracedThread.spawn(name: "flusher \(index)") {
                        for _ in 0..<200 { TraceRecorder.flush() }
                    }
                }
                for flusher in flushers { flusher.join() }
                flooder.join()
            }
            #expect(trace.summary.droppedEventCount == 0)
            #expect(trace.events(on: try trace.object("flooded")).count == 2 * pairs)
        }
    }
}
