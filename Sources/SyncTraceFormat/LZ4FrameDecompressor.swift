import CLZ4

/// Reads a binary trace frame by frame: each call yields the verified content of the next complete
/// LZ4 frame. Memory stays bounded by one input chunk and the largest frame, whatever the file size.
///
/// A file that ends inside a frame is a truncated trace, not an error: ``truncatedBytes`` says how
/// many bytes of the incomplete frame were dropped. A frame that fails to decode or whose checksum
/// does not match throws an error naming the byte offset.
final class LZ4FrameDecompressor {
    private let input: any TraceByteInput
    private let fileName: String
    private var context: OpaquePointer?

    private let chunkStorage: RawBuffer<UInt8>
    private var chunk: UnsafeMutablePointer<UInt8> { self.chunkStorage.base }
    private var chunkCapacity: Int { self.chunkStorage.capacity }
    private var chunkStart = 0
    private var chunkEnd = 0
    /// File offset of the byte at `chunkStart`.
    private var chunkFileOffset = 0

    private var frameStorage: RawBuffer<UInt8>
    /// The frame being decompressed (valid until it grows, which only `growFrame` does).
    private var frame: UnsafeMutablePointer<UInt8> { self.frameStorage.base }
    private var frameCapacity: Int { self.frameStorage.capacity }

    /// File offset where the most recently returned frame starts.
    private(set) var frameFileOffset = 0
    /// Bytes of the file consumed so far (all complete frames).
    private(set) var consumedBytes = 0
    /// Decompressed bytes of all complete frames so far.
    private(set) var decompressedBytes = 0
    /// How many bytes of an incomplete last frame were dropped (0 while the file is intact).
    private(set) var truncatedBytes = 0

    init(input: any TraceByteInput, fileName: String, chunkCapacity: Int = 1 << 20) throws(TraceFormatError) {
        self.input = input
        self.fileName = fileName
        self.chunkStorage = RawBuffer(capacity: chunkCapacity)
        self.frameStorage = RawBuffer(capacity: 1 << 16)
        var context: OpaquePointer?
        let status = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(status) == 0, let context else {
            throw TraceFormatError(file: fileName, position: .input, reason: "cannot create an LZ4 decompression context")
        }
        self.context = context
    }

    deinit {
        LZ4F_freeDecompressionContext(self.context)
    }

    /// The content of the next complete frame, valid until the next call; `nil` at the end of the file
    /// (check ``truncatedBytes`` to tell a clean end from a cut one).
    func nextFrame() throws(TraceFormatError) -> UnsafeRawBufferPointer? {
        var produced = 0
        var frameStarted = false
        let frameStart = self.consumedBytes
        while true {
            if self.chunkStart == self.chunkEnd {
                try self.refill()
                if self.chunkStart == self.chunkEnd {
                    if frameStarted { self.truncatedBytes = self.chunkFileOffset - frameStart }
                    return nil
                }
            }
            frameStarted = true
            if produced == self.frameCapacity { try self.growFrame(frameStart: frameStart) }
            var outputSize = self.frameCapacity - produced
            var inputSize = self.chunkEnd - self.chunkStart
            let hint = LZ4F_decompress(
                self.context,
                self.frame + produced,
                &outputSize,
                self.chunk + self.chunkStart,
                &inputSize,
                nil
            )
            if LZ4F_isError(hint) != 0 {
                let offset = self.chunkFileOffset + inputSize
                LZ4F_resetDecompressionContext(self.context)
                throw TraceFormatError(
                    file: self.fileName,
                    position: .fileOffset(offset),
                    reason: "corrupt LZ4 frame (the frame starts at byte \(frameStart)): \(Self.describe(hint))"
                )
            }
            if inputSize == 0 && outputSize == 0 && produced < self.frameCapacity {
                // liblz4 always makes progress when it has input and room; guard against a hang anyway.
                throw TraceFormatError(
                    file: self.fileName,
                    position: .fileOffset(self.chunkFileOffset),
                    reason: "the LZ4 decoder stopped making progress"
                )
            }
            self.chunkStart += inputSize
            self.chunkFileOffset += inputSize
            produced += outputSize
            if produced > BinaryLayout.maximumFrameContent {
                throw TraceFormatError(
                    file: self.fileName,
                    position: .fileOffset(frameStart),
                    reason: "an LZ4 frame decompresses to more than \(BinaryLayout.maximumFrameContent) bytes"
                )
            }
            if hint == 0 {
                self.frameFileOffset = frameStart
                self.consumedBytes = self.chunkFileOffset
                self.decompressedBytes += produced
                return UnsafeRawBufferPointer(start: self.frame, count: produced)
            }
        }
    }

    private func refill() throws(TraceFormatError) {
        self.chunkStart = 0
        self.chunkEnd = 0
        do {
            self.chunkEnd = try self.input.read(into: UnsafeMutableRawBufferPointer(start: self.chunk, count: self.chunkCapacity))
        } catch {
            throw TraceFormatError(file: self.fileName, position: .fileOffset(self.chunkFileOffset), reason: "\(error)")
        }
    }

    private func growFrame(frameStart: Int) throws(TraceFormatError) {
        let newCapacity = self.frameCapacity * 2
        guard newCapacity <= BinaryLayout.maximumFrameContent * 2 else {
            throw TraceFormatError(
                file: self.fileName,
                position: .fileOffset(frameStart),
                reason: "an LZ4 frame decompresses to more than \(BinaryLayout.maximumFrameContent) bytes"
            )
        }
        self.frameStorage.reserve(newCapacity, preserving: self.frameCapacity)
    }

    private static func describe(_ code: Int) -> String {
        let name = String(cString: LZ4F_getErrorName(code))
        switch name {
        case "ERROR_contentChecksum_invalid": return "content checksum mismatch"
        case "ERROR_headerChecksum_invalid": return "frame header checksum mismatch"
        case "ERROR_blockChecksum_invalid": return "block checksum mismatch"
        case "ERROR_frameType_unknown": return "not an LZ4 frame (bad magic number)"
        case "ERROR_decompressionFailed": return "compressed block does not decode"
        default: return name
        }
    }
}
