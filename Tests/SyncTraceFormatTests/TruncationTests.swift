import Foundation
import SyncTraceFormat
import Testing

/// A binary trace cut at any byte after its first frame yields exactly the events of its complete
/// frames and says it was truncated; only the whole file reads as complete. Cut inside its first
/// frame (the header's), it holds no trace at all: an error.
@Suite("Truncated binary traces")
struct TruncationTests {
    /// A trace of a few hundred events in frames of about 1 KiB, with where each frame ends in the
    /// file and how many events the frames up to there hold.
    struct FramedTrace {
        var bytes: [UInt8]
        var events: [TraceEvent]
        var frameEnds: [(offset: Int, events: Int)]

        init(rounds: Int = 200) throws {
            let writer = TraceWriter(header: TraceHeader(program: "framed"), frameContent: 1024)
            let main = try writer.declareThread(name: "main")
            let worker = try writer.declareThread(name: "worker", parent: main)
            let lock = try writer.declareObject(kind: .lock, name: "lock")
            let counter = try writer.declareObject(kind: .variable, name: "counter")
            let sites = try (0..<16).map { try writer.intern("Counter.swift:\($0 + 1)") }
            var events: [TraceEvent] = [TraceEvent(operation: .fork, thread: main, target: worker.rawValue, timestamp: 1)]
            for round in 0..<rounds {
                let thread = round % 3 == 0 ? main : worker
                let sequence = UInt64(round * 2)
                let time = UInt64(round * 100)
                events += [
                    TraceEvent(.acquire, thread: thread, object: lock, sequence: sequence, location: sites[round % 16], timestamp: time),
                    TraceEvent(.read, thread: thread, object: counter, sequence: sequence, location: sites[(round + 1) % 16], timestamp: time + 3),
                    TraceEvent(.write, thread: thread, object: counter, sequence: sequence + 1, location: sites[(round + 2) % 16], timestamp: time + 7),
                    TraceEvent(.release, thread: thread, object: lock, sequence: sequence + 1, location: sites[(round + 3) % 16], timestamp: time + 9),
                ]
            }
            var frameEnds: [(offset: Int, events: Int)] = []
            var written = 0
            for start in stride(from: 0, to: events.count, by: 10) {
                let chunk = Array(events[start..<min(start + 10, events.count)])
                try writer.write(chunk)
                written += chunk.count
                // A frame is flushed only at the end of a write, so it holds every event written so far.
                if writer.writtenByteCount != (frameEnds.last?.offset ?? 0) {
                    frameEnds.append((writer.writtenByteCount, written))
                }
            }
            try writer.finish()
            frameEnds.append((writer.writtenByteCount, written))
            self.bytes = writer.bytes
            self.events = events
            self.frameEnds = frameEnds
        }
    }

    @Test("the trace under test has several frames and reads whole")
    func fixtureShape() throws {
        let trace = try FramedTrace()
        #expect(trace.frameEnds.count >= 4)
        #expect(trace.frameEnds.last?.offset == trace.bytes.count)
        let read = try TestTraces.readBinary(trace.bytes)
        #expect(read.ending == .complete)
        #expect(read.events == trace.events)
    }

    @Test("cut at every byte: the events of the complete frames, then a truncated ending; inside the first frame, no trace")
    func everyCut() throws {
        let trace = try FramedTrace()
        var checked = 0
        for cut in 0...trace.bytes.count {
            guard let frameEnd = trace.frameEnds.last(where: { $0.offset <= cut }) else {
                // No whole first frame: no header, so no trace (an error, never an empty trace).
                let error = TestTraces.binaryError(Array(trace.bytes[..<cut]))
                let expected = cut == 0 ? "the file is empty" : "at byte offset \(cut): the file ends inside its first LZ4 frame"
                #expect(error?.description.contains(expected) == true, "cut at \(cut): \(String(describing: error))")
                #expect(error?.description.contains("no trace was written to it") == true, "cut at \(cut)")
                checked += 1
                continue
            }
            let read: ReadTrace
            do {
                read = try TestTraces.readBinary(Array(trace.bytes[..<cut]))
            } catch {
                Issue.record("cut at \(cut) of \(trace.bytes.count): \(error)")
                continue
            }
            if cut == trace.bytes.count {
                #expect(read.ending == .complete)
                #expect(read.events == trace.events)
                continue
            }
            let dropped = cut - frameEnd.offset
            #expect(read.ending == .truncated(droppedBytes: dropped), "cut at \(cut)")
            #expect(read.events.count == frameEnd.events, "cut at \(cut)")
            #expect(read.events == Array(trace.events.prefix(frameEnd.events)), "cut at \(cut)")
            #expect(read.inputByteCount == frameEnd.offset, "cut at \(cut)")
            checked += 1
        }
        #expect(checked == trace.bytes.count)
    }

    @Test("a truncated file on disk reads the same as truncated bytes in memory")
    func truncatedFile() throws {
        let trace = try FramedTrace()
        let directory = try TemporaryDirectory()
        let cut = (trace.frameEnds[1].offset + trace.frameEnds[2].offset) / 2
        let path = directory.file("cut.synctrace")
        try Data(trace.bytes[..<cut]).write(to: URL(fileURLWithPath: path))
        let read = try TestTraces.readAll(try BinaryTraceReader(path: path))
        #expect(read.ending == .truncated(droppedBytes: cut - trace.frameEnds[1].offset))
        #expect(read.events == Array(trace.events.prefix(trace.frameEnds[1].events)))
        let stats = try TraceStatistics(reading: TraceFile.open(path: path))
        #expect(stats.eventCount == UInt64(trace.frameEnds[1].events))
        #expect(stats.ending == read.ending)
    }

    @Test("a truncated trace converts to one cut short too (no end record), holding every event that could be read")
    func convertTruncated() throws {
        let trace = try FramedTrace()
        let cut = trace.frameEnds[2].offset + 5
        let writer = TraceWriter(header: TraceHeader(program: "copy"))
        let ending = try TraceConversion.copy(try BinaryTraceReader(bytes: Array(trace.bytes[..<cut])), to: writer)
        #expect(ending == .truncated(droppedBytes: 5))
        let copy = try TestTraces.readBinary(writer.bytes)
        #expect(copy.ending == .truncated(droppedBytes: 0))
        #expect(copy.events == Array(trace.events.prefix(trace.frameEnds[2].events)))
    }

    @Test("a signal-ended trace converts to one ended by the same signal")
    func convertSignalEnded() throws {
        let original = TraceWriter(header: TraceHeader(program: "crashed"))
        let main = try original.declareThread(name: "main")
        let x = try original.declareObject(kind: .variable, name: "x")
        try original.write([TraceEvent(.write, thread: main, object: x, sequence: 0)])
        try original.finish(signal: SIGSEGV)
        let writer = TraceWriter(header: TraceHeader(program: "copy"))
        #expect(try TraceConversion.copy(try BinaryTraceReader(bytes: original.bytes), to: writer) == .signal(SIGSEGV))
        let copy = try TestTraces.readBinary(writer.bytes)
        #expect(copy.ending == .signal(SIGSEGV))
        #expect(copy.events.count == 1)
    }
}
