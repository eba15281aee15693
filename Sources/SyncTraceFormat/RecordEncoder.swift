/// Encodes the records of the raw stream other than batch bodies (see ``BinaryLayout``, and
/// ``BatchEventWriter`` for the events) into a ``ByteSink``.
struct RecordEncoder {
    func encodeHeader(_ header: TraceHeader, into sink: ByteSink) {
        sink.reserve(64)
        for byte in BinaryLayout.magic { sink.writeByte(byte) }
        sink.writeVarint(UInt64(header.formatVersion))
        sink.writeString(header.program)
        sink.reserve(20)
        sink.writeVarint(header.startTime)
        sink.writeVarint(header.clockResolution)
    }

    func encodeString(_ string: String, id: StringID, into sink: ByteSink) {
        sink.reserve(6)
        sink.writeByte(BinaryLayout.stringTag)
        sink.writeVarint(UInt64(id.rawValue))
        sink.writeString(string)
    }

    func encodeThread(id: ThreadID, name: StringID, parent: ThreadID?, location: StringID?, into sink: ByteSink) {
        sink.reserve(21)
        sink.writeByte(BinaryLayout.threadTag)
        sink.writeVarint(UInt64(id.rawValue))
        sink.writeVarint(UInt64(name.rawValue))
        sink.writeVarint(parent.map { UInt64($0.rawValue) + 1 } ?? 0)
        sink.writeVarint(location.map { UInt64($0.rawValue) + 1 } ?? 0)
    }

    func encodeObject(
        id: ObjectID,
        kind: ObjectKind,
        name: StringID,
        location: StringID?,
        capacity: Int,
        into sink: ByteSink
    ) {
        sink.reserve(32)
        sink.writeByte(BinaryLayout.objectTag)
        sink.writeVarint(UInt64(id.rawValue))
        sink.writeByte(kind.rawValue)
        sink.writeVarint(UInt64(name.rawValue))
        sink.writeVarint(location.map { UInt64($0.rawValue) + 1 } ?? 0)
        sink.writeVarint(UInt64(capacity))
    }

    func encodeImage(_ image: TraceImage, id: Int, into sink: ByteSink) {
        sink.reserve(40 + image.buildID.count)
        sink.writeByte(BinaryLayout.imageTag)
        sink.writeVarint(UInt64(id))
        sink.writeString(image.path)
        sink.reserve(30 + image.buildID.count)
        sink.writeVarint(UInt64(image.buildID.count))
        for byte in image.buildID { sink.writeByte(byte) }
        sink.writeVarint(image.baseAddress)
        sink.writeVarint(image.endOfText)
    }

    func encodeFrame(_ frame: TraceFrame, id: Int, into sink: ByteSink) {
        sink.reserve(32)
        sink.writeByte(BinaryLayout.frameTag)
        sink.writeVarint(UInt64(id))
        sink.writeVarint(frame.image.map { UInt64($0) + 1 } ?? 0)
        sink.writeVarint(frame.offset << 1 | (frame.isProgramCounter ? 1 : 0))
    }

    func encodeStack(_ stack: TraceStack, into sink: ByteSink) {
        sink.reserve(12 + 5 * stack.frames.count)
        sink.writeByte(BinaryLayout.stackTag)
        sink.writeVarint(UInt64(stack.location.rawValue))
        sink.writeVarint(UInt64(stack.frames.count))
        for frame in stack.frames { sink.writeVarint(UInt64(frame)) }
    }

    /// A symbol record; `names` holds each symbol's function and file string ids.
    func encodeSymbols(frame: Int, _ symbols: [TraceFrameSymbol], names: [(function: StringID, file: StringID?)], into sink: ByteSink) {
        sink.reserve(12 + 20 * symbols.count)
        sink.writeByte(BinaryLayout.symbolTag)
        sink.writeVarint(UInt64(frame))
        sink.writeVarint(UInt64(symbols.count))
        for (symbol, name) in zip(symbols, names) {
            sink.writeVarint(UInt64(name.function.rawValue))
            sink.writeVarint(name.file.map { UInt64($0.rawValue) + 1 } ?? 0)
            sink.writeVarint(UInt64(max(symbol.line, 0)))
        }
    }

    func encodeDropped(thread: ThreadID, count: UInt64, into sink: ByteSink) {
        sink.reserve(16)
        sink.writeByte(BinaryLayout.droppedTag)
        sink.writeVarint(UInt64(thread.rawValue))
        sink.writeVarint(count)
    }

    func encodeEnd(eventCount: UInt64, signal: Int32?, into sink: ByteSink) {
        sink.reserve(21)
        if let signal {
            sink.writeByte(BinaryLayout.signalEndTag)
            sink.writeVarint(eventCount)
            sink.writeVarint(UInt64(UInt32(bitPattern: signal)))
        } else {
            sink.writeByte(BinaryLayout.endTag)
            sink.writeVarint(eventCount)
        }
    }

    /// Encodes a batch record's header; its `byteLength` encoded events follow.
    func encodeBatchHeader(thread: UInt32, timestamp: UInt64, count: Int, byteLength: Int, into sink: ByteSink) {
        sink.reserve(32)
        sink.writeByte(BinaryLayout.batchTag)
        sink.writeVarint(UInt64(thread))
        sink.writeVarint(timestamp)
        sink.writeVarint(UInt64(count))
        var length = UInt32(byteLength).littleEndian
        withUnsafeBytes(of: &length) { sink.writeBytes($0) }
    }
}
