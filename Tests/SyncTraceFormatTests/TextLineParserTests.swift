@testable import SyncTraceFormat
import Testing
import SyncTraceTestSupport

/// The parser's one-pass path for the usual line shape must agree with the general one wherever it
/// answers at all, and hand every other line on to it.
@Suite("Text line parser")
struct TextLineParserTests {
    static func withBytes<T>(_ line: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        var line = line
        return line.withUTF8(body)
    }

    /// What the one-pass path makes of `line`, or `nil` when it hands the line on.
    static func canonical(_ parser: TextLineParser, _ line: String) -> ParsedLine? {
        var parsed = ParsedLine.empty
        return Self.withBytes(line) { parser.parseCanonical($0, into: &parsed) } ? parsed : nil
    }

    @Test("the name byte classes are the name rule's, for all 256 bytes")
    func nameBytes() {
        for value in 0...255 {
            let byte = UInt8(value)
            let rest = byte.isASCIILetter || byte.isASCIIDigit || "_.[]".utf8.contains(byte)
            #expect(byte.isNameByte == rest, "\(byte)")
            #expect(byte.isNameStart == (byte.isASCIILetter || byte == UInt8(ascii: "_")), "\(byte)")
        }
    }

    @Test("the usual shape is parsed by the one-pass path")
    func canonicalLines() throws {
        let parser = TextLineParser()
        for line in ["T0|acq(L1)|12", "worker_5|w(v6701)|Shard.swift:232", "T0|fork(T1)", "a.b[0]|r(_x.y[1])|", "T|cwait(K)|  spaced location  "] {
            let fast = Self.canonical(parser, line)
            let general = try Self.withBytes(line) { bytes in Result { () throws(TextLineParser.ParseFailure) in try parser.parseAnyShape(bytes) } }.get()
            #expect(fast != nil, "\(line)")
            #expect(fast == general, "\(line)")
        }
    }

    @Test("lines of other shapes go to the general path")
    func otherShapes() {
        let parser = TextLineParser()
        let lines = [
            "", "# comment", " T0|w(x)", "T0 |w(x)", "T0|w( x)", "T0|w(x )", "T0|w(x)\r", "T0|w(x) |1", "T0|begin", "T0|end|3",
            "T0|chan(C, 1)", "T0|wgadd(W, 1)", "T0|resume(1)", "T0|frob(x)", "T0|w(x)|a|b", "T0|w(x,y)", "T0|w()", "T0|w(1x)",
            "1T|w(x)", "T0|W(x)", "T0|w(x))", "T0|w((x)", "T0|w(x", "T-0|w(x)", "T0|w(x)x",
        ]
        for line in lines {
            #expect(Self.canonical(parser, line) == nil, "\(line.debugDescription)")
        }
    }

    @Test("on random lines near the usual shape, the one-pass path agrees with the general one whenever it answers")
    func randomLines() {
        let parser = TextLineParser()
        let pieces = ["T0", "worker_1", "x", "L[2]", "v.3", "|", "(", ")", " ", ",", "w", "acq", "fork", "chan", "1", "#", "\r", "\t", "é", "-", "end"]
        var generator = SeededGenerator(seed: 20_261_201)
        var answered = 0
        for _ in 0..<20_000 {
            var line = ""
            for _ in 0..<Int.random(in: 1...9, using: &generator) { line += pieces.randomElement(using: &generator)! }
            if Bool.random(using: &generator) { line = "T\(Int.random(in: 0...3, using: &generator))|w(v)" + line }
            guard let fast = Self.canonical(parser, line) else { continue }
            answered += 1
            let general = Self.withBytes(line) { bytes in Result { () throws(TextLineParser.ParseFailure) in try parser.parseAnyShape(bytes) } }
            #expect((try? general.get()) == fast, "\(line.debugDescription)")
        }
        #expect(answered > 100)
    }
}
