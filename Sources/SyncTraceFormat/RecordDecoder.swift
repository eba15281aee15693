/// Decodes the raw record stream (see ``BinaryLayout``), checking every id, length and count against
/// what the stream has declared and what remains, and growing the symbol table as declarations arrive.
struct RecordDecoder {
    /// What one decoded record was.
    enum Record {
        case declaration
        case batch
        case end(eventCount: UInt64)
    }

    private(set) var symbols = TraceSymbols()
    private(set) var eventCount: UInt64 = 0
    private var nextSequence: [UInt64] = []

    typealias Malformed = ByteCursor.Malformed

    mutating func decodeHeader(_ cursor: inout ByteCursor) throws(Malformed) -> TraceHeader {
        for expected in BinaryLayout.magic {
            guard try cursor.readByte() == expected else {
                throw Malformed(offset: 0, reason: "the record stream does not start with the SyncTrace magic \"SYTR\"")
            }
        }
        let versionOffset = cursor.position
        let version = try cursor.readVarint()
        guard version == UInt64(TraceHeader.currentFormatVersion) else {
            throw Malformed(
                offset: versionOffset,
                reason: "format version \(version) is not supported (this build reads version \(TraceHeader.currentFormatVersion))"
            )
        }
        let program = try cursor.readString()
        let startTime = try cursor.readVarint()
        let resolution = try cursor.readVarint()
        return TraceHeader(formatVersion: Int(version), program: program, startTime: startTime, clockResolution: resolution)
    }

    /// Decodes the record at the cursor; a batch's events are appended to `events`.
    mutating func decodeRecord(_ cursor: inout ByteCursor, into events: inout [TraceEvent]) throws(Malformed) -> Record {
        let start = cursor.position
        let tag = try cursor.readByte()
        switch tag {
        case BinaryLayout.stringTag:
            try self.expectNextID(&cursor, count: self.symbols.strings.count, "string")
            self.symbols.strings.append(try cursor.readString())
            return .declaration
        case BinaryLayout.threadTag:
            let id = try self.expectNextID(&cursor, count: self.symbols.threads.count, "thread")
            let name = try self.readStringID(&cursor)
            let parent = try self.readOptionalIndex(&cursor, below: self.symbols.threads.count, "parent thread")
            let location = try self.readOptionalIndex(&cursor, below: self.symbols.strings.count, "location string")
            self.symbols.threads.append(
                ThreadDeclaration(
                    id: ThreadID(id),
                    name: self.symbols.strings[Int(name)],
                    parent: parent.map(ThreadID.init(rawValue:)),
                    location: location.map(StringID.init(rawValue:))
                )
            )
            return .declaration
        case BinaryLayout.objectTag:
            let id = try self.expectNextID(&cursor, count: self.symbols.objects.count, "object")
            let kindOffset = cursor.position
            guard let kind = ObjectKind(rawValue: try cursor.readByte()) else {
                throw Malformed(offset: kindOffset, reason: "unknown object kind \(cursor.base[kindOffset])")
            }
            let name = try self.readStringID(&cursor)
            let location = try self.readOptionalIndex(&cursor, below: self.symbols.strings.count, "location string")
            let capacityOffset = cursor.position
            let capacity = try cursor.readVarint()
            guard capacity <= UInt64(Int32.max) else {
                throw Malformed(offset: capacityOffset, reason: "channel capacity \(capacity) is out of range")
            }
            self.symbols.objects.append(
                ObjectDeclaration(
                    id: ObjectID(id),
                    kind: kind,
                    name: self.symbols.strings[Int(name)],
                    location: location.map(StringID.init(rawValue:)),
                    capacity: Int(capacity)
                )
            )
            self.nextSequence.append(0)
            return .declaration
        case BinaryLayout.batchTag:
            try self.decodeBatch(&cursor, into: &events)
            return .batch
        case BinaryLayout.endTag:
            let countOffset = cursor.position
            let count = try cursor.readVarint()
            guard count == self.eventCount else {
                throw Malformed(
                    offset: countOffset,
                    reason: "the end record counts \(count) events but the trace holds \(self.eventCount)"
                )
            }
            return .end(eventCount: count)
        default:
            throw Malformed(offset: start, reason: "unknown record tag 0x\(String(tag, radix: 16))")
        }
    }

    @discardableResult
    private func expectNextID(_ cursor: inout ByteCursor, count: Int, _ what: String) throws(Malformed) -> UInt32 {
        let offset = cursor.position
        let id = try cursor.readVarint()
        guard id == UInt64(count) else {
            throw Malformed(offset: offset, reason: "\(what) declaration has id \(id), expected the next id \(count)")
        }
        return UInt32(id)
    }

    private func readStringID(_ cursor: inout ByteCursor) throws(Malformed) -> UInt32 {
        try cursor.readIndex(below: self.symbols.strings.count, "string")
    }

    private func readOptionalIndex(
        _ cursor: inout ByteCursor,
        below limit: Int,
        _ what: String
    ) throws(Malformed) -> UInt32? {
        let raw = try cursor.readIndex(below: limit + 1, what + " (plus one)")
        return raw == 0 ? nil : raw - 1
    }

    private mutating func decodeBatch(_ cursor: inout ByteCursor, into events: inout [TraceEvent]) throws(Malformed) {
        let threadCount = self.symbols.threads.count
        let objectCount = self.symbols.objects.count
        let stringCount = self.symbols.strings.count
        var thread = try cursor.readIndex(below: threadCount, "thread")
        var timestamp = try cursor.readVarint()
        let countOffset = cursor.position
        let count = try cursor.readVarint()
        let length = Int(try cursor.readUInt32LittleEndian())
        guard length <= cursor.remaining else {
            throw Malformed(offset: countOffset, reason: "batch of \(length) bytes runs past the end of the frame")
        }
        // Every event takes at least one byte, so the count is bounded by the length before any allocation.
        guard count <= UInt64(length) else {
            throw Malformed(offset: countOffset, reason: "batch claims \(count) events in \(length) bytes")
        }
        let bodyEnd = cursor.position + length
        var body = ByteCursor(UnsafeRawBufferPointer(start: cursor.base, count: bodyEnd), position: cursor.position)
        events.reserveCapacity(events.count + Int(count))

        try self.nextSequence.withUnsafeMutableBufferPointer { (nextSequence) throws(Malformed) in
            var decoded: UInt64 = 0
            while decoded < count {
                let opcodeOffset = body.position
                let opcode = try body.readByte()
                let raw = opcode & BinaryLayout.operationMask
                if raw == BinaryLayout.switchOpcode {
                    guard opcode == BinaryLayout.switchOpcode else {
                        throw Malformed(offset: opcodeOffset, reason: "thread switch with flags 0x\(String(opcode, radix: 16))")
                    }
                    thread = try body.readIndex(below: threadCount, "thread")
                    continue
                }
                guard let operation = TraceOperation(rawValue: raw) else {
                    throw Malformed(offset: opcodeOffset, reason: "unknown operation code \(raw)")
                }
                var event = TraceEvent(operation: operation, thread: ThreadID(thread))
                switch operation.target {
                case .none:
                    break
                case .thread:
                    event.target = try body.readIndex(below: threadCount, "thread")
                case .object:
                    event.target = try body.readIndex(below: objectCount, "object")
                }
                if operation.hasArgument { event.argument = try body.readSignedVarint() }
                if operation.hasObject {
                    let index = Int(event.target)
                    event.sequence = nextSequence[index] &+ UInt64(bitPattern: try body.readSignedVarint())
                    nextSequence[index] = event.sequence &+ 1
                }
                if opcode & BinaryLayout.timestampFlag != 0 {
                    timestamp = timestamp &+ UInt64(bitPattern: try body.readSignedVarint())
                }
                event.timestamp = timestamp
                if opcode & BinaryLayout.locationFlag != 0 {
                    event.location = StringID(try body.readIndex(below: stringCount, "location string"))
                }
                events.append(event)
                decoded &+= 1
            }
        }
        guard body.position == bodyEnd else {
            throw Malformed(offset: body.position, reason: "batch has \(bodyEnd - body.position) bytes left after its \(count) events")
        }
        cursor.position = bodyEnd
        self.eventCount &+= count
    }
}
