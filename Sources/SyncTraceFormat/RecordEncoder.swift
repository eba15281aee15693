/// Encodes records of the raw stream (see ``BinaryLayout``) into a ``ByteSink``.
///
/// It keeps the per-object sequence state that makes sequence numbers one byte in the common case,
/// so one encoder must see every batch of a trace, in file order.
struct RecordEncoder {
    private var nextSequence: [UInt64] = []

    mutating func encodeHeader(_ header: TraceHeader, into sink: ByteSink) {
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

    mutating func encodeObject(
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
        if self.nextSequence.count <= id.index {
            self.nextSequence.append(contentsOf: repeatElement(0, count: id.index + 1 - self.nextSequence.count))
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

    /// Encodes `events` as one batch record. The caller keeps batches at most
    /// ``BinaryLayout/maximumBatchEvents`` long and declares every id the events name first.
    mutating func encodeBatch(_ events: UnsafeBufferPointer<TraceEvent>, into sink: ByteSink) {
        guard let first = events.first else { return }
        sink.reserve(32)
        sink.writeByte(BinaryLayout.batchTag)
        sink.writeVarint(UInt64(first.thread.rawValue))
        sink.writeVarint(first.timestamp)
        sink.writeVarint(UInt64(events.count))
        let lengthOffset = sink.count
        sink.writeByte(0); sink.writeByte(0); sink.writeByte(0); sink.writeByte(0)
        let bodyStart = sink.count

        var thread = first.thread
        var timestamp = first.timestamp
        // Bounded by construction: each event writes at most a thread switch and one largest event.
        let maximum = events.count * (BinaryLayout.maximumEventSize + BinaryLayout.maximumSwitchSize)
        self.nextSequence.withUnsafeMutableBufferPointer { nextSequence in
            sink.appendReserved(maximum: maximum) { out in
                for event in events {
                    if event.thread != thread {
                        out.writeByte(BinaryLayout.switchOpcode)
                        out.writeVarint(UInt64(event.thread.rawValue))
                        thread = event.thread
                    }
                    let operation = event.operation
                    var opcode = operation.rawValue
                    if event.location != nil { opcode |= BinaryLayout.locationFlag }
                    let timestampDelta = Int64(bitPattern: event.timestamp &- timestamp)
                    if timestampDelta != 0 { opcode |= BinaryLayout.timestampFlag }
                    out.writeByte(opcode)
                    if case .none = operation.target {} else { out.writeVarint(UInt64(event.target)) }
                    if operation.hasArgument { out.writeSignedVarint(event.argument) }
                    if operation.hasSequence {
                        // The writer checked every target against the declared objects, and
                        // `nextSequence` has an entry per declared object.
                        let index = Int(event.target)
                        out.writeSignedVarint(Int64(bitPattern: event.sequence &- nextSequence[index]))
                        nextSequence[index] = event.sequence &+ 1
                    }
                    if timestampDelta != 0 {
                        out.writeSignedVarint(timestampDelta)
                        timestamp = event.timestamp
                    }
                    if let location = event.location { out.writeVarint(UInt64(location.rawValue)) }
                }
            }
        }
        sink.patchUInt32(UInt32(sink.count - bodyStart), at: lengthOffset)
    }
}
