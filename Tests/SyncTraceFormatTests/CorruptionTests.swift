import SyncTraceFormat
import SyncTraceTestSupport
import Testing

/// A byte flipped anywhere in a binary trace is caught (a `TraceFormatError` naming a byte offset)
/// or cannot matter; it never crashes the reader and never changes the events it hands out.
@Suite("Corrupt binary traces")
struct CorruptionTests {
    /// A small trace of two frames: every event shape, locations, a channel with a capacity.
    static func smallTrace() throws -> (bytes: [UInt8], events: [TraceEvent]) {
        let text = TextFormParsingTests.everyOperation + "T0|fork(T2)|x.swift:1\nT2|w(V)|x.swift:2\nT0|join(T2)\n"
        let bytes = try TestTraces.binary(fromText: text, frameContent: 1024)
        let events = try TestTraces.readBinary(bytes).events
        return (bytes, events)
    }

    /// What reading a damaged trace gave.
    enum Outcome {
        case rejected(TraceFormatError)
        case original
        case truncatedPrefix
        case changed(String)
    }

    static func read(_ bytes: [UInt8], original: [TraceEvent]) -> Outcome {
        do {
            let read = try TestTraces.readBinary(bytes, fileName: "bad.synctrace")
            if read.events == original && read.ending == .complete { return .original }
            // A flipped block size can make the last frame look longer than the file: that reads
            // as a file cut short, which the ending says.
            if case .truncated = read.ending, original.starts(with: read.events) { return .truncatedPrefix }
            return .changed("\(read.events.count) events, ending \(read.ending)")
        } catch {
            return .rejected(error)
        }
    }

    @Test("a byte flipped at every position is rejected with a byte offset, or changes nothing", arguments: [UInt8(0xFF), 0x01, 0x80])
    func flipEveryByte(mask: UInt8) throws {
        let (bytes, events) = try Self.smallTrace()
        #expect(bytes.count > 100)
        var rejected = 0
        for position in bytes.indices {
            var damaged = bytes
            damaged[position] ^= mask
            switch Self.read(damaged, original: events) {
            case .rejected(let error):
                rejected += 1
                let text = error.description
                #expect(text.hasPrefix("bad.synctrace: "), "flip at \(position): \(text)")
                #expect(text.contains("byte offset"), "flip at \(position): \(text)")
            case .original, .truncatedPrefix:
                break
            case .changed(let what):
                Issue.record("flip of byte \(position) with 0x\(String(mask, radix: 16)) silently changed the trace: \(what)")
            }
        }
        // Checksums cover every byte that matters: nearly every flip is caught.
        #expect(rejected > bytes.count * 9 / 10)
    }

    @Test("the error names the offset of the damaged frame")
    func offsetOfDamagedFrame() throws {
        let (bytes, _) = try Self.smallTrace()
        // Damage the last byte: the content checksum of the last frame.
        var damaged = bytes
        damaged[damaged.count - 1] ^= 0xFF
        guard case .rejected(let error) = Self.read(damaged, original: []) else {
            Issue.record("a damaged content checksum was not caught")
            return
        }
        #expect(error.description.contains("content checksum mismatch"))
        guard case .fileOffset(let offset) = error.position else {
            Issue.record("expected a file offset, got \(error.position)")
            return
        }
        #expect(offset <= bytes.count)
    }

    @Test("input that is not an LZ4 frame at all is rejected")
    func notLZ4() {
        for bytes: [UInt8] in [Array("T0|acq(L)|1\n".utf8), [0x04, 0x22, 0x4D, 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]] {
            guard case .rejected(let error) = Self.read(bytes, original: []) else {
                Issue.record("\(bytes) was not rejected")
                continue
            }
            #expect(error.description.contains("byte offset"))
        }
    }

    @Test("random garbage after a complete trace is rejected, not ignored")
    func trailingGarbage() throws {
        let (bytes, events) = try Self.smallTrace()
        var random = SeededGenerator(seed: 99)
        for length in [1, 3, 4, 7, 20, 300] {
            let garbage = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            switch Self.read(bytes + garbage, original: events) {
            case .rejected(let error): #expect(error.description.contains("byte offset"))
            case .truncatedPrefix: break  // a garbage tail shorter than a frame header reads as a cut-off frame
            case .original: Issue.record("\(length) bytes of garbage after the trace were ignored")
            case .changed(let what): Issue.record("garbage changed the events: \(what)")
            }
        }
    }
}
