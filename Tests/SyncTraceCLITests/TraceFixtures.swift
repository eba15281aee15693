import Foundation
import SyncTraceFormat

/// Binary traces built with the library, for the CLI to read.
enum TraceFixtures {
    /// Writes a binary trace of `rounds` lock-protected increments by two threads, in small frames
    /// (so that cutting the file leaves complete frames before the cut), and returns its bytes.
    static func lockedCounter(rounds: Int, path: String) throws -> (events: Int, bytes: Data) {
        let writer = try TraceWriter(path: path, header: TraceHeader(program: "counter"), frameContent: 1024)
        let main = try writer.declareThread(name: "main")
        let worker = try writer.declareThread(name: "worker 1", parent: main)
        let lock = try writer.declareObject(kind: .lock, name: "lock")
        let counter = try writer.declareObject(kind: .variable, name: "counter")
        let site = try writer.intern("Counter.swift:7")
        var events: [TraceEvent] = [TraceEvent(operation: .fork, thread: main, target: worker.rawValue)]
        var lockSequence: UInt64 = 0
        var counterSequence: UInt64 = 0
        for round in 0..<rounds {
            let thread = round % 2 == 0 ? main : worker
            events.append(TraceEvent(.acquire, thread: thread, object: lock, sequence: lockSequence, location: site))
            events.append(TraceEvent(.read, thread: thread, object: counter, sequence: counterSequence, location: site))
            events.append(TraceEvent(.write, thread: thread, object: counter, sequence: counterSequence + 1, location: site))
            events.append(TraceEvent(.release, thread: thread, object: lock, sequence: lockSequence + 1, location: site))
            lockSequence += 2
            counterSequence += 2
        }
        // Batches of 40 events, as a recorder's per-thread buffers would hand them over, so that
        // frames close between batches.
        for start in stride(from: 0, to: events.count, by: 40) {
            try writer.write(Array(events[start..<min(start + 40, events.count)]))
        }
        try writer.finish()
        return (events.count, try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
