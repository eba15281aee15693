import Foundation
import SyncTraceFormat
import Testing

/// Binary traces built with the library, for the CLI to read.
enum TraceFixtures {
    /// How a fixture's trace ends.
    enum Ending {
        /// An end record: a clean stop.
        case complete
        /// A signal end record: the process died of the signal with every event written.
        case signal(Int32)
        /// No end record: every event flushed, the recording cut short after them.
        case cutShort
    }

    /// A trace written in frames, with the file offset where each frame ends.
    struct Framed {
        var events: Int
        var bytes: Data
        var frameEnds: [Int]
    }

    /// Writes a binary trace of `rounds` lock-protected increments by two threads, in small frames
    /// (so that cutting the file leaves complete frames before the cut), and returns its bytes.
    static func lockedCounter(rounds: Int, path: String) throws -> (events: Int, bytes: Data) {
        let trace = try Self.lockedCounter(rounds: rounds, path: path, ending: .complete)
        return (trace.events, trace.bytes)
    }

    /// The locked counter, ended as `ending` says; its header is in a frame of its own, as the
    /// recorder writes it.
    static func lockedCounter(rounds: Int, path: String, ending: Ending) throws -> Framed {
        let writer = try TraceWriter(path: path, header: TraceHeader(program: "counter"), frameContent: 1024)
        try writer.flush()
        var frameEnds = [writer.writtenByteCount]
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
            if writer.writtenByteCount != frameEnds.last { frameEnds.append(writer.writtenByteCount) }
        }
        try Self.end(writer, ending)
        if writer.writtenByteCount != frameEnds.last { frameEnds.append(writer.writtenByteCount) }
        return Framed(events: events.count, bytes: try Data(contentsOf: URL(fileURLWithPath: path)), frameEnds: frameEnds)
    }

    /// A worker asks for a lock that main holds (`req`), and the trace ends there: a thread blocked
    /// forever in a complete trace, one blocked when the process got the signal in a signal-ended
    /// trace — and in a trace cut short, nothing anyone can tell (its `acq` may be what the cut lost).
    static func waitingForLock(path: String, ending: Ending) throws {
        let (writer, main, worker, lock) = try Self.mainAndWorker(path: path, program: "waiting", object: .lock, named: "m")
        try writer.write([
            TraceEvent(operation: .fork, thread: main, target: worker.rawValue),
            TraceEvent(.acquire, thread: main, object: lock, sequence: 0, location: try writer.intern("Main.swift:3")),
            TraceEvent(.request, thread: worker, object: lock, location: try writer.intern("Worker.swift:8")),
        ])
        try Self.end(writer, ending)
    }

    /// A trace cut short whose worker's batch made it into the file while main's release it waited
    /// for did not: main forks the worker and takes lock m (#0); the worker asks for m, takes it (#2),
    /// writes x and releases m (#3); main's release (#1) was lost. The first three events are the
    /// consistent cut; the worker's last three wait behind the gap.
    static func cutBeforeRelease(path: String) throws {
        let writer = try TraceWriter(path: path, header: TraceHeader(program: "cut"))
        let main = try writer.declareThread(name: "main")
        let worker = try writer.declareThread(name: "worker", parent: main)
        let lock = try writer.declareObject(kind: .lock, name: "m")
        let x = try writer.declareObject(kind: .variable, name: "x")
        try writer.write([
            TraceEvent(operation: .fork, thread: main, target: worker.rawValue),
            TraceEvent(.acquire, thread: main, object: lock, sequence: 0),
        ])
        try writer.write([
            TraceEvent(.request, thread: worker, object: lock),
            TraceEvent(.acquire, thread: worker, object: lock, sequence: 2),
            TraceEvent(.write, thread: worker, object: x, sequence: 0),
            TraceEvent(.release, thread: worker, object: lock, sequence: 3),
        ])
        try Self.end(writer, .cutShort)
    }

    /// Main forks a worker and both write x with nothing ordering the writes (a data race), ended as
    /// `ending` says; every event is in the file, so a trace cut short after them still shows the race.
    static func racyWrites(path: String, ending: Ending) throws {
        let (writer, main, worker, x) = try Self.mainAndWorker(path: path, program: "racy", object: .variable, named: "x")
        try writer.write([
            TraceEvent(operation: .fork, thread: main, target: worker.rawValue),
            TraceEvent(.write, thread: main, object: x, sequence: 0, location: try writer.intern("Main.swift:4")),
        ])
        try writer.write([TraceEvent(.write, thread: worker, object: x, sequence: 1, location: try writer.intern("Worker.swift:9"))])
        try Self.end(writer, ending)
    }

    /// A trace of the generator (`synctrace generate`, 1M events over 4 threads, findings among them)
    /// cut in half, written to `directory`: its path.
    static func generatedTraceCutInHalf(in directory: TemporaryDirectory) throws -> String {
        let whole = directory.path("whole.synctrace")
        #expect(try CommandRunner.run("generate", whole, "--events", "1000000", "--threads", "4").status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: whole))
        let cut = directory.path("cut.synctrace")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        return cut
    }

    /// A writer of a trace of `program` that declares a main thread, a worker it created, and one
    /// object of `kind` named `name`.
    private static func mainAndWorker(
        path: String,
        program: String,
        object kind: ObjectKind,
        named name: String
    ) throws -> (writer: TraceWriter, main: ThreadID, worker: ThreadID, object: ObjectID) {
        let writer = try TraceWriter(path: path, header: TraceHeader(program: program))
        let main = try writer.declareThread(name: "main")
        let worker = try writer.declareThread(name: "worker", parent: main)
        return (writer, main, worker, try writer.declareObject(kind: kind, name: name))
    }

    private static func end(_ writer: TraceWriter, _ ending: Ending) throws {
        switch ending {
        case .complete: try writer.finish()
        case .signal(let signal): try writer.finish(signal: signal)
        case .cutShort: try writer.flush()
        }
    }
}
