import CLZ4
import SyncTraceFormat
import Testing

/// Record streams that are correctly LZ4-framed but malformed inside: each gives a clear error at the
/// record byte where it goes wrong, and lengths and counts are checked before anything is allocated.
@Suite("Malformed record streams")
struct MalformedRecordTests {
    /// Builds raw record bytes.
    struct Raw {
        var bytes: [UInt8] = []

        /// The header of a version-1 trace of program "p".
        static var header: Raw { Raw().magic("SYTR").varint(1).string("p").varint(0).varint(1) }

        func magic(_ text: String) -> Raw { self.append(Array(text.utf8)) }
        func byte(_ values: UInt8...) -> Raw { self.append(values) }
        func varint(_ value: UInt64) -> Raw {
            var value = value
            var out: [UInt8] = []
            while value >= 0x80 {
                out.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            out.append(UInt8(value))
            return self.append(out)
        }
        func string(_ text: String) -> Raw { self.varint(UInt64(text.utf8.count)).append(Array(text.utf8)) }
        func uint32(_ value: UInt32) -> Raw { self.append((0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }) }
        private func append(_ more: [UInt8]) -> Raw { Raw(bytes: self.bytes + more) }

        /// Declares string 0 ("a") and thread 0 named by it.
        var withThread: Raw { self.byte(0x01).varint(0).string("a").byte(0x02).varint(0).varint(0).varint(0).varint(0) }
        /// A batch record of thread 0 with `count` events in `body`.
        func batch(count: UInt64, _ body: [UInt8]) -> Raw {
            self.byte(0x04).varint(0).varint(0).varint(count).uint32(UInt32(body.count)).append(body)
        }
    }

    /// `raw` compressed into one standard LZ4 frame with a content checksum, as the writer makes them.
    static func frame(_ raw: [UInt8]) -> [UInt8] {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
        let bound = LZ4F_compressFrameBound(raw.count, &preferences)
        var output = [UInt8](repeating: 0, count: bound)
        let written = output.withUnsafeMutableBytes { out in
            raw.withUnsafeBytes { input in
                LZ4F_compressFrame(out.baseAddress, bound, input.baseAddress, raw.count, &preferences)
            }
        }
        precondition(LZ4F_isError(written) == 0, "LZ4F_compressFrame failed")
        return Array(output[..<written])
    }

    /// The description of the error reading `raw` (in one frame) gives, or `nil` if it reads.
    static func error(_ raw: Raw) -> String? {
        do {
            _ = try TestTraces.readBinary(Self.frame(raw.bytes), fileName: "m.synctrace")
            return nil
        } catch {
            return error.description
        }
    }

    /// "m.synctrace: in the LZ4 frame at byte offset 0, record byte N: reason".
    static func at(_ recordByte: Int, _ reason: String) -> String {
        "m.synctrace: in the LZ4 frame at byte offset 0, record byte \(recordByte): \(reason)"
    }

    static let headerLength = Raw.header.bytes.count  // 9
    static let threadLength = Raw.header.withThread.bytes.count - headerLength  // 9

    @Test("the hand-made streams are well formed until they are broken on purpose")
    func baseline() throws {
        let raw = Raw.header.withThread.batch(count: 2, [20, 21]).byte(0x05).varint(2)
        let read = try TestTraces.readBinary(Self.frame(raw.bytes))
        #expect(read.ending == .complete)
        #expect(read.events.map(\.operation) == [.begin, .end])
        #expect(read.header.program == "p")
        #expect(Self.headerLength == 9)
        #expect(Self.threadLength == 9)
    }

    @Test("a wrong magic or an unsupported version is rejected at the start")
    func header() {
        #expect(Self.error(Raw().magic("SYTX").varint(1)) == Self.at(0, "the record stream does not start with the SyncTrace magic \"SYTR\""))
        #expect(
            Self.error(Raw().magic("SYTR").varint(4).string("p").varint(0).varint(1))
                == Self.at(4, "format version 4 is not supported (this build reads versions 1 to 3)")
        )
        #expect(Self.error(Raw().magic("SY")) == Self.at(2, "record cut short"))
    }

    @Test("huge length fields are rejected before anything is allocated")
    func hugeLengths() {
        let h = Self.headerLength
        #expect(
            Self.error(Raw.header.byte(0x01).varint(0).varint(1 << 62))
                == Self.at(h + 2, "string length 4611686018427387904 runs past the end of the frame")
        )
        #expect(
            Self.error(Raw.header.withThread.byte(0x04).varint(0).varint(0).varint(1).uint32(.max))
                == Self.at(h + Self.threadLength + 3, "batch of 4294967295 bytes runs past the end of the frame")
        )
        #expect(
            Self.error(Raw.header.withThread.batch(count: 1 << 40, [20, 21]))
                == Self.at(h + Self.threadLength + 3, "batch claims 1099511627776 events in 2 bytes")
        )
        #expect(
            Self.error(Raw.header.withThread.byte(0x03).varint(0).byte(1).varint(0).varint(0).varint(1 << 40))
                == Self.at(h + Self.threadLength + 5, "channel capacity 1099511627776 is out of range")
        )
        #expect(
            Self.error(Raw.header.byte(0x01).varint(0).byte(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F))
                == Self.at(h + 2, "varint overflows 64 bits")
        )
    }

    @Test("ids that are undeclared or out of order are rejected")
    func undeclaredIDs() {
        let h = Self.headerLength
        let t = Self.threadLength
        #expect(Self.error(Raw.header.byte(0x01).varint(1).string("a")) == Self.at(h + 1, "string declaration has id 1, expected the next id 0"))
        #expect(
            Self.error(Raw.header.withThread.byte(0x02).varint(0).varint(0).varint(0).varint(0))
                == Self.at(h + t + 1, "thread declaration has id 0, expected the next id 1")
        )
        #expect(Self.error(Raw.header.byte(0x02).varint(0).varint(5)) == Self.at(h + 2, "string 5 is not declared (only 0 are)"))
        #expect(
            Self.error(Raw.header.withThread.byte(0x02).varint(1).varint(0).varint(7))
                == Self.at(h + t + 3, "parent thread (plus one) 7 is not declared (only 2 are)")
        )
        #expect(
            Self.error(Raw.header.withThread.byte(0x04).varint(3).varint(0).varint(1).uint32(1).byte(20))
                == Self.at(h + t + 1, "thread 3 is not declared (only 1 are)")
        )
        // A read (opcode 8) of object 7, none declared.
        #expect(Self.error(Raw.header.withThread.batch(count: 1, [8, 7, 0])) == Self.at(h + t + 9, "object 7 is not declared (only 0 are)"))
        // A fork (opcode 1) of thread 4; a thread switch to thread 2.
        #expect(Self.error(Raw.header.withThread.batch(count: 1, [1, 4])) == Self.at(h + t + 9, "thread 4 is not declared (only 1 are)"))
        #expect(Self.error(Raw.header.withThread.batch(count: 1, [0, 2, 20])) == Self.at(h + t + 9, "thread 2 is not declared (only 1 are)"))
        // A begin (opcode 20) with a location flag (0x40) naming string 9.
        #expect(
            Self.error(Raw.header.withThread.batch(count: 1, [20 | 0x40, 9]))
                == Self.at(h + t + 9, "location string 9 is not declared (only 1 are)")
        )
    }

    @Test("unknown tags, kinds and operation codes are rejected")
    func unknownCodes() {
        let h = Self.headerLength
        let t = Self.threadLength
        #expect(Self.error(Raw.header.byte(0x0C)) == Self.at(h, "unknown record tag 0xc"))
        #expect(Self.error(Raw.header.byte(0xFF)) == Self.at(h, "unknown record tag 0xff"))
        #expect(Self.error(Raw.header.withThread.byte(0x03).varint(0).byte(9).varint(0)) == Self.at(h + t + 2, "unknown object kind 9"))
        #expect(Self.error(Raw.header.withThread.batch(count: 1, [50])) == Self.at(h + t + 8, "unknown operation code 50"))
        #expect(Self.error(Raw.header.withThread.batch(count: 1, [0x40, 0, 20])) == Self.at(h + t + 8, "thread switch with flags 0x40"))
    }

    @Test("batches whose length and events disagree, and bad end records, are rejected")
    func inconsistentRecords() {
        let h = Self.headerLength
        let t = Self.threadLength
        #expect(
            Self.error(Raw.header.withThread.batch(count: 1, [20, 21, 20]))
                == Self.at(h + t + 9, "batch has 2 bytes left after its 1 events")
        )
        #expect(Self.error(Raw.header.withThread.batch(count: 2, [20])) == Self.at(h + t + 3, "batch claims 2 events in 1 bytes"))
        // A fork (opcode 1) whose thread id would be read past the end of the batch body.
        #expect(Self.error(Raw.header.withThread.batch(count: 1, [1]).byte(0x05).varint(1)) == Self.at(h + t + 9, "varint cut short"))
        #expect(Self.error(Raw.header.byte(0x05).varint(3)) == Self.at(h + 1, "the end record counts 3 events but the trace holds 0"))
        #expect(Self.error(Raw.header.byte(0x05).varint(0).byte(0x05).varint(0)) == Self.at(h + 2, "records follow the end record"))
        #expect(Self.error(Raw.header.byte(0x01)) == Self.at(h + 1, "varint cut short"))
        #expect(Self.error(Raw.header.byte(0x01).varint(0).varint(2).byte(0xC3)) == Self.at(h + 2, "string length 2 runs past the end of the frame"))
        #expect(Self.error(Raw.header.byte(0x01).varint(0).varint(2).byte(0xC3, 0x28)) == Self.at(h + 2, "string is not valid UTF-8"))
    }

    @Test("a stream split across frames reports offsets in the whole record stream")
    func offsetsAcrossFrames() {
        let first = Raw.header.withThread.bytes
        let second = Raw().byte(0x0C).bytes
        let firstFrame = Self.frame(first)
        let file = firstFrame + Self.frame(second)
        do {
            _ = try TestTraces.readBinary(file, fileName: "m.synctrace")
            Issue.record("an unknown tag in the second frame was not caught")
        } catch {
            #expect(
                error.description
                    == "m.synctrace: in the LZ4 frame at byte offset \(firstFrame.count), record byte \(first.count): unknown record tag 0xc"
            )
        }
    }
}
