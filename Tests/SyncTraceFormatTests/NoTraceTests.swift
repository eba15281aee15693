import Foundation
import SyncTraceFormat
import Testing

/// A file that holds no trace — empty, `/dev/null`, a binary trace cut inside its first frame, a
/// text file without an event line — is an error with a one-line reason, in both forms and through
/// every way of opening it; never a complete trace of no events. A binary trace whose header frame
/// is whole is a trace, even with no event after it.
@Suite("Files that hold no trace")
struct NoTraceTests {
    static let emptyReason = "the file is empty: no trace was written to it (the process may have died before its first write)"

    /// The error opening and reading the file at `path` to its end throws, if any.
    static func error(openingFileAt path: String) -> TraceFormatError? {
        do {
            _ = try TestTraces.readAll(try TraceFile.open(path: path))
            return nil
        } catch {
            return error
        }
    }

    /// A binary trace's bytes whose first frame holds the header alone, as the recorder writes it when
    /// it starts; then a frame of events, and the end record unless `finished` is false.
    static func headerFirst(finished: Bool = true) throws -> (bytes: [UInt8], headerFrame: Int) {
        let writer = TraceWriter(header: TraceHeader(program: "header first"))
        try writer.flush()
        let headerFrame = writer.writtenByteCount
        let main = try writer.declareThread(name: "main")
        let lock = try writer.declareObject(kind: .lock, name: "m")
        try writer.write([TraceEvent(.acquire, thread: main, object: lock, sequence: 0), TraceEvent(.release, thread: main, object: lock, sequence: 1)])
        try writer.flush()
        if finished { try writer.finish() }
        return (writer.bytes, headerFrame)
    }

    @Test("an empty file, of either extension, and /dev/null: the one-line reason, naming the file")
    func emptyFiles() throws {
        let directory = try TemporaryDirectory()
        for name in ["empty.synctrace", "empty.trace", "empty"] {
            let path = directory.file(name)
            #expect(FileManager.default.createFile(atPath: path, contents: Data()))
            let error = try #require(Self.error(openingFileAt: path))
            #expect(error.description == "\(path): \(Self.emptyReason)")
            #expect(!error.description.contains("\n"))
        }
        #expect(Self.error(openingFileAt: "/dev/null")?.description == "/dev/null: \(Self.emptyReason)")
        // Read by the reader of either form directly, in memory or from the file.
        #expect(TestTraces.binaryError([])?.description == "<input>: \(Self.emptyReason)")
        #expect(TestTraces.textError("", fileName: "")?.description == "<input>: \(Self.emptyReason)")
        #expect(throws: TraceFormatError.self) { _ = try BinaryTraceReader(path: "/dev/null") }
        #expect(throws: TraceFormatError.self) { _ = try TestTraces.readAll(TextTraceReader(path: "/dev/null")) }
    }

    @Test("a binary trace cut anywhere inside its header frame is no trace; at its end, a trace cut short with no events")
    func headerFrameCut() throws {
        let (bytes, headerFrame) = try Self.headerFirst()
        #expect(headerFrame > 4)
        let directory = try TemporaryDirectory()
        for cut in 1..<headerFrame {
            let path = directory.file("cut-\(cut).synctrace")
            try Data(bytes[..<cut]).write(to: URL(fileURLWithPath: path))
            // The magic cut short too is told to be binary, so the reason is the binary form's.
            #expect(try TraceFile.form(ofFileAt: path) == .binary, "cut at \(cut)")
            let error = Self.error(openingFileAt: path)
            #expect(
                error?.description == "\(path): at byte offset \(cut): the file ends inside its first LZ4 frame, before a whole "
                    + "trace header: no trace was written to it (the process may have died during its first write)",
                "cut at \(cut)"
            )
        }
        let header = try TestTraces.readBinary(Array(bytes[..<headerFrame]))
        #expect(header.header.program == "header first")
        #expect(header.events.isEmpty)
        #expect(header.ending == .truncated(droppedBytes: 0))
        let cutInsideEvents = try TestTraces.readBinary(Array(bytes[..<(headerFrame + 3)]))
        #expect(cutInsideEvents.events.isEmpty)
        #expect(cutInsideEvents.ending == .truncated(droppedBytes: 3))
    }

    @Test("a header with no event and an end record is a complete trace of no events; without the end record, cut short")
    func headerOnly() throws {
        let writer = TraceWriter(header: TraceHeader(program: "idle"))
        try writer.finish()
        #expect(try TestTraces.readBinary(writer.bytes).ending == .complete)
        let (unfinished, _) = try Self.headerFirst(finished: false)
        let read = try TestTraces.readBinary(unfinished)
        #expect(read.events.count == 2)
        #expect(read.ending == .truncated(droppedBytes: 0))
    }

    @Test("a text file of only blank lines and comments is no trace, through TraceFile.open too")
    func commentsOnly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("comments.std")
        try "# SyncTrace text form 1\n\n# nothing else\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try TraceFile.form(ofFileAt: path) == .text)
        #expect(
            Self.error(openingFileAt: path)?.description
                == "\(path): no trace: its 3 lines are all blank or comments, and a text trace is its event lines"
        )
    }

    @Test("no trace is no statistics and no conversion either")
    func otherReaders() throws {
        #expect(throws: TraceFormatError.self) { _ = try TraceStatistics(reading: TextTraceReader(text: "")) }
        let writer = TraceWriter(header: TraceHeader(program: "copy"))
        #expect(throws: TraceConversionError.self) { try TraceConversion.copy(TextTraceReader(text: "# only\n"), to: writer) }
        #expect(throws: TraceConversionError.self) {
            try TraceConversion.printText(TextTraceReader(text: "\n\n")) { _ in Issue.record("printed text for no trace") }
        }
    }
}
