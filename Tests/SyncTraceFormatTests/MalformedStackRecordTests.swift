import SyncTraceFormat
import Testing

/// Stack records (format version 2) that are malformed: each is a distinct error at the record byte
/// where it goes wrong, never a crash.
@Suite("Malformed stack records")
struct MalformedStackRecordTests {
    typealias Raw = MalformedRecordTests.Raw

    /// A version 2 header, string 0 ("a.swift:1"), image 0 and frame 0 in it: `h` bytes.
    static var declared: Raw {
        Raw().magic("SYTR").varint(2).string("p").varint(0).varint(1)
            .byte(0x01).varint(0).string("a.swift:1")
            .byte(0x08).varint(0).string("/bin/p").varint(2).byte(0xAB, 0xCD).varint(0x1000).varint(0x2000)
            .byte(0x09).varint(0).varint(1).varint(0x10 << 1)
    }

    static let h = Self.declared.bytes.count

    static func error(_ raw: Raw) -> String? { MalformedRecordTests.error(raw) }
    static func at(_ byte: Int, _ reason: String) -> String { MalformedRecordTests.at(byte, reason) }

    @Test("well-formed stack records read back: image, frame, stack and symbols")
    func wellFormed() throws {
        let raw = Self.declared.byte(0x0A).varint(0).varint(1).varint(0)
            .byte(0x01).varint(1).string("f()").byte(0x0B).varint(0).varint(1).varint(1).varint(1).varint(7)
        let file = MalformedRecordTests.frame(raw.bytes)
        let reader = try BinaryTraceReader(bytes: file)
        var batch: [TraceEvent] = []
        while try reader.nextBatch(into: &batch) {}
        #expect(reader.symbols.images == [TraceImage(path: "/bin/p", buildID: [0xAB, 0xCD], baseAddress: 0x1000, endOfText: 0x2000)])
        #expect(reader.symbols.frames == [TraceFrame(image: 0, offset: 0x10, isProgramCounter: false, symbols: [TraceFrameSymbol(function: "f()", file: "a.swift:1", line: 7)])])
        #expect(reader.symbols.stack(StringID(0)).map(\.description) == ["f() at a.swift:1:7"])
    }

    @Test("stack records in a version 1 trace are rejected")
    func needVersion2() {
        #expect(Self.error(MalformedRecordTests.Raw.header.byte(0x0A)) == Self.at(9, "stack record (tag 0xa) in a format version 1 trace: stacks need version 2"))
    }

    @Test("each malformed stack record gives its own error", arguments: [
        // A frame in an image never declared.
        (Self.declared.byte(0x09).varint(1).varint(2).varint(0), Self.h + 2, "frame image (plus one) 2 is not declared (only 2 are)"),
        // Frame ids out of order.
        (Self.declared.byte(0x09).varint(5).varint(0).varint(0), Self.h + 1, "frame declaration has id 5, expected the next id 1"),
        // A stack naming an undeclared frame.
        (Self.declared.byte(0x0A).varint(0).varint(1).varint(3), Self.h + 3, "stack frame 3 is not declared (only 1 are)"),
        // A stack of an undeclared location string.
        (Self.declared.byte(0x0A).varint(4).varint(1).varint(0), Self.h + 1, "stack location string 4 is not declared (only 1 are)"),
        // A stack of no frames, and of too many.
        (Self.declared.byte(0x0A).varint(0).varint(0), Self.h + 2, "stack of 0 frames (1...256)"),
        (Self.declared.byte(0x0A).varint(0).varint(100_000), Self.h + 2, "stack of 100000 frames (1...256)"),
        // Two stacks for one location.
        (Self.declared.byte(0x0A).varint(0).varint(1).varint(0).byte(0x0A).varint(0).varint(1).varint(0), Self.h + 5, "a second stack for location string 0"),
        // Symbols of an undeclared frame, twice for one frame, and with no symbol.
        (Self.declared.byte(0x0B).varint(9).varint(1), Self.h + 1, "symbolized frame 9 is not declared (only 1 are)"),
        (Self.declared.byte(0x0B).varint(0).varint(1).varint(0).varint(0).varint(1).byte(0x0B).varint(0), Self.h + 7, "a second symbol record for frame 0"),
        (Self.declared.byte(0x0B).varint(0).varint(0), Self.h + 2, "frame 0 resolves to 0 symbols (1...256)"),
        // A symbol whose function string is undeclared.
        (Self.declared.byte(0x0B).varint(0).varint(1).varint(8), Self.h + 3, "symbol function string 8 is not declared (only 1 are)"),
        // An image whose build id runs past the record, and one ending before its base.
        (Self.declared.byte(0x08).varint(1).string("q").varint(60), Self.h + 4, "image build id of 60 bytes (at most 64, within the record)"),
        (Self.declared.byte(0x08).varint(1).string("q").varint(0).varint(10).varint(5), Self.h + 6, "image q ends before its base address"),
        // A stack record cut short.
        (Self.declared.byte(0x0A).varint(0).varint(2).varint(0), Self.h + 4, "varint cut short"),
    ] as [(Raw, Int, String)])
    func malformed(raw: Raw, byte: Int, reason: String) {
        #expect(Self.error(raw) == Self.at(byte, reason))
    }
}
