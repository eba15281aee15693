/// Decodes the stack records of format version 2 (image, frame, stack, symbol; see ``BinaryLayout``)
/// into a symbol table, checking every id and count against what the table declares.
struct StackRecordDecoder {
    var symbols: TraceSymbols

    typealias Malformed = ByteCursor.Malformed

    /// Decodes the record whose tag `tag` was just read.
    mutating func decode(tag: UInt8, _ cursor: inout ByteCursor) throws(Malformed) {
        switch tag {
        case BinaryLayout.imageTag: try self.decodeImage(&cursor)
        case BinaryLayout.frameTag: try self.decodeFrame(&cursor)
        case BinaryLayout.stackTag: try self.decodeStack(&cursor)
        default: try self.decodeSymbols(&cursor)
        }
    }

    private mutating func decodeImage(_ cursor: inout ByteCursor) throws(Malformed) {
        try Self.expectNext(&cursor, count: self.symbols.images.count, "image")
        let path = try cursor.readString()
        let lengthOffset = cursor.position
        let length = try cursor.readVarint()
        guard length <= 64, length <= UInt64(cursor.remaining) else {
            throw Malformed(offset: lengthOffset, reason: "image build id of \(length) bytes (at most 64, within the record)")
        }
        var buildID: [UInt8] = []
        for _ in 0..<length { buildID.append(try cursor.readByte()) }
        let base = try cursor.readVarint()
        let endOffset = cursor.position
        let end = try cursor.readVarint()
        guard end >= base else { throw Malformed(offset: endOffset, reason: "image \(path) ends before its base address") }
        self.symbols.images.append(TraceImage(path: path, buildID: buildID, baseAddress: base, endOfText: end))
    }

    private mutating func decodeFrame(_ cursor: inout ByteCursor) throws(Malformed) {
        try Self.expectNext(&cursor, count: self.symbols.frames.count, "frame")
        let image = try cursor.readIndex(below: self.symbols.images.count + 1, "frame image (plus one)")
        let raw = try cursor.readVarint()
        self.symbols.frames.append(TraceFrame(image: image == 0 ? nil : Int(image - 1), offset: raw >> 1, isProgramCounter: raw & 1 != 0))
    }

    private mutating func decodeStack(_ cursor: inout ByteCursor) throws(Malformed) {
        let locationOffset = cursor.position
        let location = StringID(try cursor.readIndex(below: self.symbols.strings.count, "stack location string"))
        guard self.symbols.stackIndex[location] == nil else {
            throw Malformed(offset: locationOffset, reason: "a second stack for location string \(location.rawValue)")
        }
        let countOffset = cursor.position
        let count = try cursor.readVarint()
        guard (1...UInt64(BinaryLayout.maximumStackDepth)).contains(count) else {
            throw Malformed(offset: countOffset, reason: "stack of \(count) frames (1...\(BinaryLayout.maximumStackDepth))")
        }
        var frames: [Int] = []
        for _ in 0..<count { frames.append(Int(try cursor.readIndex(below: self.symbols.frames.count, "stack frame"))) }
        self.symbols.stackIndex[location] = self.symbols.stacks.count
        self.symbols.stacks.append(TraceStack(location: location, frames: frames))
    }

    private mutating func decodeSymbols(_ cursor: inout ByteCursor) throws(Malformed) {
        let frameOffset = cursor.position
        let frame = Int(try cursor.readIndex(below: self.symbols.frames.count, "symbolized frame"))
        guard self.symbols.frames[frame].symbols == nil else {
            throw Malformed(offset: frameOffset, reason: "a second symbol record for frame \(frame)")
        }
        let countOffset = cursor.position
        let count = try cursor.readVarint()
        guard (1...UInt64(BinaryLayout.maximumInlineDepth)).contains(count) else {
            throw Malformed(offset: countOffset, reason: "frame \(frame) resolves to \(count) symbols (1...\(BinaryLayout.maximumInlineDepth))")
        }
        var symbols: [TraceFrameSymbol] = []
        for _ in 0..<count {
            let function = try cursor.readIndex(below: self.symbols.strings.count, "symbol function string")
            let file = try cursor.readIndex(below: self.symbols.strings.count + 1, "symbol file string (plus one)")
            let lineOffset = cursor.position
            let line = try cursor.readVarint()
            guard line <= UInt64(Int32.max) else { throw Malformed(offset: lineOffset, reason: "symbol line \(line) is out of range") }
            symbols.append(
                TraceFrameSymbol(
                    function: self.symbols.strings[Int(function)],
                    file: file == 0 ? nil : self.symbols.strings[Int(file - 1)],
                    line: Int(line)
                )
            )
        }
        self.symbols.frames[frame].symbols = symbols
    }

    private static func expectNext(_ cursor: inout ByteCursor, count: Int, _ what: String) throws(Malformed) {
        let offset = cursor.position
        let id = try cursor.readVarint()
        guard id == UInt64(count) else {
            throw Malformed(offset: offset, reason: "\(what) declaration has id \(id), expected the next id \(count)")
        }
    }
}
