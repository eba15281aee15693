import Foundation
@testable import SyncTraceFormat
import Testing

/// The text reader reads its input in chunks into one buffer: wherever the chunk boundaries fall
/// (inside a name, between a CR and its LF, in the last line without a newline), it reads the same
/// trace, and a line's length limit and UTF-8 check do not depend on them.
@Suite("Text reader chunks")
struct TextChunkingTests {
    static let trace = [
        "# a comment that is longer than the smallest chunks",
        "main|fork(worker_0)|main.swift:12",
        "worker_0|acq(lock42)|Shard.swift:200",
        "worker_0|r(v3178)|Shard.swift:201",
        "  worker_0 | w( v3178 ) | Shard.swift:202  ",
        "worker_0|rel(lock42)|Shard.swift:200",
        "main|chan(C, 1)|café.swift:3",
        "main|send(C)",
        "worker_0|recv(C)|",
        "main|wgadd(W, -2)|x",
        "main|join(worker_0)|main.swift:20",
    ]

    /// Reads `text` with `chunkSize`-byte reads.
    static func read(_ text: String, chunkSize: Int) throws(TraceFormatError) -> ReadTrace {
        let reader = TextTraceReader(input: MemoryByteInput(bytes: Array(text.utf8)), fileName: "t.trace", chunkSize: chunkSize)
        return try TestTraces.readAll(reader)
    }

    /// The error reading `bytes` with `chunkSize`-byte reads throws, or `nil`.
    static func error(_ bytes: [UInt8], chunkSize: Int) -> TraceFormatError? {
        do {
            _ = try TestTraces.readAll(TextTraceReader(input: MemoryByteInput(bytes: bytes), fileName: "t.trace", chunkSize: chunkSize))
            return nil
        } catch {
            return error
        }
    }

    @Test("a line cut by a chunk boundary anywhere reads as a whole line", arguments: [1, 2, 3, 5, 7, 16, 33, 64, 1 << 20])
    func linesAcrossChunks(chunkSize: Int) throws {
        for ending in ["\n", "\r\n"] {
            for finalNewline in [true, false] {
                let text = Self.trace.joined(separator: ending) + (finalNewline ? ending : "")
                let expected = try TestTraces.readText(text)
                let read = try Self.read(text, chunkSize: chunkSize)
                #expect(TestTraces.resolved(read.events, read.symbols) == TestTraces.resolved(expected.events, expected.symbols))
                #expect(read.symbols == expected.symbols)
                #expect(read.events.count == 10)
                #expect(read.ending == .complete)
                #expect(read.inputByteCount == text.utf8.count)
            }
        }
    }

    @Test("an error's line number is the same whatever the chunk size", arguments: [1, 4, 9, 1 << 16])
    func errorLinesAcrossChunks(chunkSize: Int) {
        let text = "T0|w(x)|1\r\n# two\r\n\r\nT0|acq(L)|4\r\nT1|rel(L)|5\r\n"
        #expect(Self.error(Array(text.utf8), chunkSize: chunkSize)?.description == "t.trace:5: rel(L) by T1, which does not hold L")
    }

    @Test("a long line (a 500 KB location) reads whole, with any chunk size", arguments: [1 << 10, 1 << 16, 1 << 22])
    func longLine(chunkSize: Int) throws {
        let location = String(repeating: "Deeply/Nested/Path.swift:", count: 20_000)
        let read = try Self.read("T0|w(x)|1\nT0|r(x)|\(location)\nT0|w(x)\n", chunkSize: chunkSize)
        #expect(read.events.count == 3)
        #expect(read.symbols.location(read.events[1].location) == location)
    }

    @Test("a line over the limit is an error at its line, with any chunk size", arguments: [1 << 10, 1 << 20, 1 << 22])
    func tooLongLine(chunkSize: Int) {
        let limit = LineSplitter.maximumLineLength
        let long = "T0|r(x)|" + String(repeating: "a", count: limit)
        let message = "t.trace:2: line is longer than \(limit) bytes"
        #expect(Self.error(Array("T0|w(x)\n\(long)\nT0|w(x)\n".utf8), chunkSize: chunkSize)?.description == message)
        // The last line, without a newline, too.
        #expect(Self.error(Array("T0|w(x)\n\(long)".utf8), chunkSize: chunkSize)?.description == message)
        // A line of exactly the limit is allowed.
        let exact = "T0|r(x)|" + String(repeating: "a", count: limit - 8)
        #expect(Self.error(Array("T0|w(x)\n\(exact)\n".utf8), chunkSize: chunkSize) == nil)
    }

    @Test("bytes that are not UTF-8 are an error at their line, wherever they are; UTF-8 beyond ASCII is fine")
    func invalidUTF8() throws {
        let cases: [([UInt8], Int)] = [
            (Array("T0|w(x)\nT0|r(x".utf8) + [0xFF] + Array(")\n".utf8), 2),
            (Array("T0|w(x)\n# caf".utf8) + [0xE9] + Array("\nT0|w(x)\n".utf8), 2),
            ([0xC0, 0x80] + Array("|w(x)\n".utf8), 1),
            // A multi-byte character cut off by the end of the file.
            (Array("T0|w(x)\nT0|w(x)|caf".utf8) + [0xC3], 2),
        ]
        for (bytes, line) in cases {
            for chunkSize in [1, 3, 1 << 16] {
                #expect(
                    Self.error(bytes, chunkSize: chunkSize)
                        == TraceFormatError(file: "t.trace", position: .line(line), reason: "line is not valid UTF-8"),
                    "\(bytes) in chunks of \(chunkSize)"
                )
            }
        }
        let read = try TestTraces.readText("T0|w(x)|Ünïcødé.swift:1 — “quoted” 🧵\n")
        #expect(read.symbols.location(read.events[0].location) == "Ünïcødé.swift:1 — “quoted” 🧵")
    }

    @Test("100,000 threads that each write once: every thread declared once, in order")
    func manyThreads() throws {
        let count = 100_000
        var text = ""
        text.reserveCapacity(count * 16)
        for index in 0..<count { text += "T\(index)|w(V\(index % 10))|1\n" }
        let read = try Self.read(text, chunkSize: LineSplitter.defaultChunkSize)
        #expect(read.events.count == count)
        #expect(read.symbols.threads.count == count)
        #expect(read.symbols.objects.count == 10)
        #expect(read.symbols.threads.enumerated().allSatisfy { $0.element.name == "T\($0.offset)" && $0.element.id.index == $0.offset })
        #expect(read.events.enumerated().allSatisfy { $0.element.thread.index == $0.offset })
        // Names and the one location are interned once each.
        #expect(read.symbols.strings.count == count + 10 + 1)
    }
}
