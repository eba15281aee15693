import CLZ4

/// Compresses raw record bytes into standard LZ4 frames (content size and content checksum on), so
/// that `lz4 -dc` reads a trace and the reader can verify every frame before it trusts a byte.
final class LZ4FrameCompressor {
    private var preferences = LZ4F_preferences_t()
    private var output: RawBuffer<UInt8>

    init() {
        self.preferences.frameInfo.blockSizeID = LZ4F_max256KB
        self.preferences.frameInfo.blockMode = LZ4F_blockLinked
        self.preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
        self.preferences.compressionLevel = 0
        self.output = RawBuffer(capacity: 1 << 16)
    }

    /// Compresses `raw` as one frame and returns the frame's bytes, valid until the next call.
    func compress(_ raw: UnsafeRawBufferPointer) throws(TraceIOError) -> UnsafeRawBufferPointer {
        self.preferences.frameInfo.contentSize = UInt64(raw.count)
        let bound = withUnsafePointer(to: &self.preferences) { LZ4F_compressFrameBound(raw.count, $0) }
        // Nothing to keep: the previous frame was written out before this call.
        self.output.reserve(bound, preserving: 0)
        let written = withUnsafePointer(to: &self.preferences) { preferences in
            LZ4F_compressFrame(self.output.base, self.output.capacity, raw.baseAddress, raw.count, preferences)
        }
        guard LZ4F_isError(written) == 0 else {
            throw TraceIOError(reason: "LZ4 compression failed: \(String(cString: LZ4F_getErrorName(written)))")
        }
        return UnsafeRawBufferPointer(start: self.output.base, count: written)
    }
}
