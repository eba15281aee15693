/// Reads a binary trace (LZ4 frames of records; see `BinaryLayout.swift`) as a stream of event batches.
///
/// Every frame's checksum is verified before its records are decoded, and every record is checked
/// against what the trace has declared, so a corrupt file throws ``TraceFormatError`` with a byte
/// offset instead of yielding garbage. A file cut short yields every event of its complete frames and
/// then ends with ``TraceEnding/truncated(droppedBytes:)``; one whose recorder's signal handler
/// finished it ends with ``TraceEnding/signal(_:)``. A file that holds no trace — empty, or cut
/// before its first frame (the header's) is whole — is an error, never a trace of no events.
public final class BinaryTraceReader: TraceEventSource {
    private let fileName: String
    private let frames: LZ4FrameDecompressor
    private var decoder = RecordDecoder()
    private var frame = UnsafeRawBufferPointer(start: nil, count: 0)
    private var framePosition = 0
    /// Record-stream offset of the current frame's first byte.
    private var frameRecordOffset = 0
    private var endSeen = false
    /// The signal the end record names, if it names one.
    private var endSignal: Int32?

    public private(set) var header = TraceHeader(program: "")
    public private(set) var ending = TraceEnding.open
    public var symbols: TraceSymbols { self.decoder.symbols }
    public var eventCount: UInt64 { self.decoder.eventCount }
    public var droppedEventCount: UInt64 { self.decoder.droppedEventCount }
    /// Events the recorder reported lost so far, by thread (empty unless it recorded with the
    /// drop-on-overflow policy and fell behind).
    public var droppedEventsByThread: [ThreadID: UInt64] { self.decoder.droppedEventsByThread }
    public var inputByteCount: Int { self.frames.consumedBytes }
    public var recordByteCount: Int? { self.frames.decompressedBytes }
    public var form: TraceFile.Form { .binary }
    /// False: a recorder writes each thread's events in batches of its own, which interleave only by
    /// their sequence numbers.
    public var isOrdered: Bool { false }

    /// Opens a binary trace file and reads its header.
    ///
    /// - Throws: ``TraceFormatError`` when the file cannot be opened, holds no trace (it is empty or
    ///   ends inside its first frame), or its first frame is corrupt.
    public convenience init(path: String) throws(TraceFormatError) {
        let input: FileByteInput
        do {
            input = try FileByteInput(path: path)
        } catch {
            throw TraceFormatError(file: path, position: .input, reason: error.reason)
        }
        try self.init(input: input, fileName: path)
    }

    /// Reads a binary trace held in memory.
    public convenience init(bytes: [UInt8], fileName: String = "") throws(TraceFormatError) {
        try self.init(input: MemoryByteInput(bytes: bytes), fileName: fileName)
    }

    init(input: any TraceByteInput, fileName: String) throws(TraceFormatError) {
        self.fileName = fileName
        self.frames = try LZ4FrameDecompressor(input: input, fileName: fileName)
        // Without a whole first frame there is no header: no trace at all, not a trace of no events
        // (the recorder writes the header frame as soon as it starts).
        guard try self.advanceFrame() else { throw self.noTrace() }
        var cursor = ByteCursor(self.frame)
        do {
            self.header = try self.decoder.decodeHeader(&cursor)
        } catch {
            throw self.located(error)
        }
        self.framePosition = cursor.position
    }

    public func nextBatch(into events: inout [TraceEvent]) throws(TraceFormatError) -> Bool {
        events.removeAll(keepingCapacity: true)
        while true {
            if self.framePosition >= self.frame.count {
                guard try self.advanceFrame() else { return false }
            }
            var cursor = ByteCursor(self.frame, position: self.framePosition)
            if self.endSeen {
                throw self.located(.init(offset: cursor.position, reason: "records follow the end record"))
            }
            let record: RecordDecoder.Record
            do {
                record = try self.decoder.decodeRecord(&cursor, into: &events)
            } catch {
                events.removeAll(keepingCapacity: true)
                throw self.located(error)
            }
            self.framePosition = cursor.position
            switch record {
            case .declaration:
                continue
            case .batch:
                return true
            case .end(_, let signal):
                self.endSeen = true
                self.endSignal = signal
            }
        }
    }

    /// Moves to the next frame; at the end of the file, settles ``ending`` and returns `false`.
    private func advanceFrame() throws(TraceFormatError) -> Bool {
        self.frameRecordOffset += self.frame.count
        guard let next = try self.frames.nextFrame() else {
            self.frame = UnsafeRawBufferPointer(start: nil, count: 0)
            self.framePosition = 0
            if self.endSeen && self.frames.truncatedBytes > 0 {
                throw TraceFormatError(
                    file: self.fileName,
                    position: .fileOffset(self.frames.consumedBytes),
                    reason: "\(self.frames.truncatedBytes) unexpected bytes follow the trace's end record"
                )
            }
            if self.frames.truncatedBytes > 0 || !self.endSeen {
                self.ending = .truncated(droppedBytes: self.frames.truncatedBytes)
            } else if let signal = self.endSignal {
                self.ending = .signal(signal)
            } else {
                self.ending = .complete
            }
            return false
        }
        self.frame = next
        self.framePosition = 0
        return true
    }

    /// The error for a file that ends before its first frame does: empty, or cut inside that frame.
    private func noTrace() -> TraceFormatError {
        let read = self.frames.truncatedBytes
        guard read > 0 else { return .noTrace(file: self.fileName) }
        return TraceFormatError(
            file: self.fileName,
            position: .fileOffset(read),
            reason: "the file ends inside its first LZ4 frame, before a whole trace header: no trace was written to it "
                + "(the process may have died during its first write)"
        )
    }

    private func located(_ malformed: ByteCursor.Malformed) -> TraceFormatError {
        TraceFormatError(
            file: self.fileName,
            position: .recordOffset(self.frameRecordOffset + malformed.offset, frameAt: self.frames.frameFileOffset),
            reason: malformed.reason
        )
    }
}
