/// Decodes the raw record stream (see ``BinaryLayout``), checking every id, length and count against
/// what the stream has declared and what remains, and growing the symbol table as declarations arrive.
struct RecordDecoder {
    /// What one decoded record was.
    enum Record {
        case declaration
        case batch
        /// The end record: `signal` is nil for a clean stop, else the signal the process was ending by.
        case end(eventCount: UInt64, signal: Int32?)
    }

    private(set) var symbols = TraceSymbols()
    private(set) var eventCount: UInt64 = 0
    /// Events the recorder reported lost (its opt-in drop-on-overflow policy), in all and by thread.
    private(set) var droppedEventCount: UInt64 = 0
    private(set) var droppedEventsByThread: [ThreadID: UInt64] = [:]
    private var nextSequence: [UInt64] = []
    /// The header's format version: stack records need ``BinaryLayout/stacksVersion``.
    private var formatVersion = TraceHeader.formatVersionWithoutStacks

    typealias Malformed = ByteCursor.Malformed

    mutating func decodeHeader(_ cursor: inout ByteCursor) throws(Malformed) -> TraceHeader {
        for expected in BinaryLayout.magic {
            guard try cursor.readByte() == expected else {
                throw Malformed(offset: 0, reason: "the record stream does not start with the SyncTrace magic \"SYTR\"")
            }
        }
        let versionOffset = cursor.position
        let version = try cursor.readVarint()
        guard (UInt64(TraceHeader.formatVersionWithoutStacks)...UInt64(TraceHeader.currentFormatVersion)).contains(version) else {
            throw Malformed(
                offset: versionOffset,
                reason: "format version \(version) is not supported (this build reads versions \(TraceHeader.formatVersionWithoutStacks) to \(TraceHeader.currentFormatVersion))"
            )
        }
        self.formatVersion = Int(version)
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
        case BinaryLayout.endTag, BinaryLayout.signalEndTag:
            let countOffset = cursor.position
            let count = try cursor.readVarint()
            guard count == self.eventCount else {
                throw Malformed(
                    offset: countOffset,
                    reason: "the end record counts \(count) events but the trace holds \(self.eventCount)"
                )
            }
            guard tag == BinaryLayout.signalEndTag else { return .end(eventCount: count, signal: nil) }
            let signalOffset = cursor.position
            let signal = try cursor.readVarint()
            guard (1...127).contains(signal) else {
                throw Malformed(offset: signalOffset, reason: "the end record names signal \(signal), which is no signal")
            }
            return .end(eventCount: count, signal: Int32(signal))
        case BinaryLayout.droppedTag:
            let thread = try cursor.readIndex(below: self.symbols.threads.count, "thread")
            let count = try cursor.readVarint()
            self.droppedEventCount &+= count
            self.droppedEventsByThread[ThreadID(thread), default: 0] &+= count
            return .declaration
        case BinaryLayout.imageTag, BinaryLayout.frameTag, BinaryLayout.stackTag, BinaryLayout.symbolTag:
            guard self.formatVersion >= BinaryLayout.stacksVersion else {
                throw Malformed(
                    offset: start,
                    reason: "stack record (tag 0x\(String(tag, radix: 16))) in a format version \(self.formatVersion) trace: stacks need version \(BinaryLayout.stacksVersion)"
                )
            }
            var stacks = StackRecordDecoder(symbols: self.symbols)
            self.symbols = TraceSymbols()
            defer { self.symbols = stacks.symbols }
            try stacks.decode(tag: tag, &cursor)
            return .declaration
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

        // Events are decoded straight into slots of the array rather than appended one by one, which
        // costs a uniqueness check and a capacity check per event. The slots are added at most
        // `maximumBatchEvents` at a time, so a batch that lies about its count makes the reader
        // allocate no more than the events it actually decodes (plus one step).
        let total = Int(count)
        var decoded = 0
        let limits = Limits(
            threads: threadCount,
            objects: objectCount,
            strings: stringCount,
            atomicOrderings: self.formatVersion >= BinaryLayout.atomicOrderingsVersion
        )
        try self.nextSequence.withUnsafeMutableBufferPointer { (nextSequence) throws(Malformed) in
            if events.isEmpty && total <= BinaryLayout.maximumBatchEvents {
                // The common case, a batch into an empty array: decoded straight into the storage of
                // a new one, which no placeholder is written to first (a sixth of the decoder's time).
                var failure: Malformed?
                events = [TraceEvent](unsafeUninitializedCapacity: total) { slots, initialized in
                    do throws(Malformed) {
                        try Self.decodeEvents(
                            &body,
                            into: UnsafeMutableBufferPointer(rebasing: slots[0..<total]),
                            thread: &thread,
                            timestamp: &timestamp,
                            nextSequence: nextSequence,
                            limits: limits
                        )
                        initialized = total
                    } catch {
                        // The events are plain values: leaving the slots uninitialized is safe.
                        failure = error
                        initialized = 0
                    }
                }
                if let failure { throw failure }
                decoded = total
            }
            while decoded < total {
                let first = events.count
                let step = min(total - decoded, BinaryLayout.maximumBatchEvents)
                events.append(contentsOf: repeatElement(Self.placeholder, count: step))
                try events.withUnsafeMutableBufferPointer { (slots) throws(Malformed) in
                    try Self.decodeEvents(
                        &body,
                        into: UnsafeMutableBufferPointer(rebasing: slots[first..<first + step]),
                        thread: &thread,
                        timestamp: &timestamp,
                        nextSequence: nextSequence,
                        limits: limits
                    )
                }
                decoded += step
            }
        }
        guard body.position == bodyEnd else {
            throw Malformed(offset: body.position, reason: "batch has \(bodyEnd - body.position) bytes left after its \(count) events")
        }
        cursor.position = bodyEnd
        self.eventCount &+= count
    }

    /// How many threads, objects and strings are declared: the bounds every id in a batch is checked against.
    private struct Limits {
        var threads: Int
        var objects: Int
        var strings: Int
        /// Whether atomic operations carry their ordering (format version 3 and later).
        var atomicOrderings: Bool
    }

    /// Decodes exactly `slots.count` events of a batch body into `slots`.
    ///
    /// A static function over local copies, not a closure over the caller's variables, so that the
    /// cursor position, thread and timestamp stay in registers instead of being reloaded and stored
    /// through captured references for every field.
    private static func decodeEvents(
        _ body: inout ByteCursor,
        into slots: UnsafeMutableBufferPointer<TraceEvent>,
        thread: inout UInt32,
        timestamp: inout UInt64,
        nextSequence: UnsafeMutableBufferPointer<UInt64>,
        limits: Limits
    ) throws(Malformed) {
        var cursor = body
        var currentThread = thread
        var currentTimestamp = timestamp
        defer {
            body = cursor
            thread = currentThread
            timestamp = currentTimestamp
        }
        let opcodeFlags = limits.atomicOrderings ? Self.opcodeFlagsWithOrderings : Self.opcodeFlags
        let operations = Self.operations
        var slot = 0
        while slot < slots.count {
            let opcodeOffset = cursor.position
            let opcode = try cursor.readByte()
            let raw = Int(opcode & BinaryLayout.operationMask)
            let flags = opcodeFlags[raw]
            if flags & OpcodeFlags.valid == 0 {
                guard raw == Int(BinaryLayout.switchOpcode) else {
                    throw Malformed(offset: opcodeOffset, reason: "unknown operation code \(raw)")
                }
                guard opcode == BinaryLayout.switchOpcode else {
                    throw Malformed(offset: opcodeOffset, reason: "thread switch with flags 0x\(String(opcode, radix: 16))")
                }
                currentThread = try cursor.readIndex(below: limits.threads, "thread")
                continue
            }
            var target: UInt32 = 0
            var sequence: UInt64 = 0
            var argument: Int64 = 0
            // Field order as in the layout: target, argument, sequence.
            if flags & OpcodeFlags.objectTarget != 0 {
                target = try cursor.readIndex(below: limits.objects, "object")
            } else if flags & OpcodeFlags.threadTarget != 0 {
                target = try cursor.readIndex(below: limits.threads, "thread")
            }
            if flags & OpcodeFlags.argument != 0 {
                let argumentOffset = cursor.position
                argument = try cursor.readSignedVarint()
                if flags & OpcodeFlags.ordering != 0, TraceAtomicOrdering(argument: argument, of: operations[raw]) == nil {
                    throw Malformed(offset: argumentOffset, reason: Self.invalidOrdering(argument, of: operations[raw]))
                }
            }
            if flags & OpcodeFlags.sequence != 0 {
                // In bounds: one entry per declared object, and the target was checked above.
                let index = Int(target)
                sequence = nextSequence[index] &+ UInt64(bitPattern: try cursor.readSignedVarint())
                nextSequence[index] = sequence &+ 1
            }
            if opcode & BinaryLayout.timestampFlag != 0 {
                currentTimestamp = currentTimestamp &+ UInt64(bitPattern: try cursor.readSignedVarint())
            }
            var location: StringID?
            if opcode & BinaryLayout.locationFlag != 0 {
                location = StringID(try cursor.readIndex(below: limits.strings, "location string"))
            }
            slots[slot] = TraceEvent(
                operation: operations[raw],
                thread: ThreadID(currentThread),
                target: target,
                location: location,
                argument: argument,
                sequence: sequence,
                timestamp: currentTimestamp
            )
            slot &+= 1
        }
    }

    /// What an opcode's low six bits say about the fields that follow it.
    private enum OpcodeFlags {
        static let valid: UInt8 = 1
        static let threadTarget: UInt8 = 2
        static let objectTarget: UInt8 = 4
        static let argument: UInt8 = 8
        static let sequence: UInt8 = 16
        /// The argument is an atomic ordering, to check against the operation.
        static let ordering: UInt8 = 32
    }

    /// ``OpcodeFlags`` for each of the 64 operation codes (zero for the switch and unknown codes) in
    /// format versions 1 and 2: one table load per event instead of `TraceOperation(rawValue:)` and
    /// switches over its properties.
    private static let opcodeFlags: [UInt8] = Self.opcodeFlags(atomicOrderings: false)
    /// ``opcodeFlags`` from format version 3, whose atomic operations carry their ordering.
    private static let opcodeFlagsWithOrderings: [UInt8] = Self.opcodeFlags(atomicOrderings: true)

    private static func opcodeFlags(atomicOrderings: Bool) -> [UInt8] {
        (0..<64).map { raw in
            guard raw != Int(BinaryLayout.switchOpcode), let operation = TraceOperation(rawValue: UInt8(raw)) else { return 0 }
            var flags = OpcodeFlags.valid
            switch operation.target {
            case .none: break
            case .thread: flags |= OpcodeFlags.threadTarget
            case .object: flags |= OpcodeFlags.objectTarget
            }
            if operation.hasArgument { flags |= OpcodeFlags.argument }
            if atomicOrderings && operation.isAtomic { flags |= OpcodeFlags.argument | OpcodeFlags.ordering }
            if operation.hasSequence { flags |= OpcodeFlags.sequence }
            return flags
        }
    }

    /// Why an atomic operation's argument is refused: out of line, only a malformed trace pays for it.
    @inline(never)
    private static func invalidOrdering(_ argument: Int64, of operation: TraceOperation) -> String {
        let allowed = TraceAtomicOrdering.orderings(of: operation).map { "\($0.rawValue) (\($0))" }.joined(separator: ", ")
        return "\(operation) with ordering code \(argument): expected one of \(allowed)"
    }

    /// The operation of each valid code; entries whose ``opcodeFlags`` lack `valid` are never read.
    private static let operations: [TraceOperation] = (0..<64).map { TraceOperation(rawValue: UInt8($0)) ?? .begin }

    /// What fills a batch's slots until its events are decoded into them.
    private static let placeholder = TraceEvent(operation: .begin, thread: ThreadID(0))
}
