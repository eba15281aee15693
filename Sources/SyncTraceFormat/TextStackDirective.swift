/// A declaration line of the text form's stacks (`@image`, `@frame`, `@stack`, `@symbol`; see
/// <doc:TextForm>), parsed but not yet checked against what the trace declared before it.
enum TextStackDirective: Equatable {
    /// `@image I<n> BUILDID BASE END PATH`.
    case image(number: Int, TraceImage)
    /// `@frame F<n> I<m>+0xOFFSET [pc]`, or `@frame F<n> 0xADDRESS [pc]` outside any image.
    case frame(number: Int, TraceFrame)
    /// `@stack S<n> F<a> F<b> …`, innermost first.
    case stack(number: Int, frames: [Int])
    /// `@symbol F<n> LINE FILE|FUNCTION` (FILE `-` when unknown); a frame's lines come together,
    /// innermost first.
    case symbol(frame: Int, TraceFrameSymbol)

    typealias Failure = TextLineParser.ParseFailure

    /// Parses a line whose first character other than a space or tab is `@`.
    static func parse(_ line: String) throws(Failure) -> TextStackDirective {
        let body = line.drop { $0 == " " || $0 == "\t" }.dropFirst()
        let words = body.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard let keyword = words.first else { throw Failure("a @ line names no declaration (@image, @frame, @stack or @symbol)") }
        let rest = words.count > 1 ? words[1].trimmingSpaces : ""
        switch keyword {
        case "image":
            let fields = rest.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: true)
            guard fields.count == 5, let number = Self.number(fields[0], prefix: "I") else {
                throw Failure("expected @image I<n> BUILDID BASE END PATH")
            }
            guard let buildID = Self.hexBytes(fields[1]) else { throw Failure("image build id '\(fields[1])' is not hex digits (or - for none)") }
            guard let base = Self.hex(fields[2]), let end = Self.hex(fields[3]), end >= base else {
                throw Failure("image base and end must be 0x addresses, the end not below the base")
            }
            return .image(number: number, TraceImage(path: String(fields[4].trimmingSpaces), buildID: buildID, baseAddress: base, endOfText: end))
        case "frame":
            let fields = rest.split(separator: " ", omittingEmptySubsequences: true)
            guard (2...3).contains(fields.count), let number = Self.number(fields[0], prefix: "F"), fields.count == 2 || fields[2] == "pc" else {
                throw Failure("expected @frame F<n> I<m>+0xOFFSET [pc] or @frame F<n> 0xADDRESS [pc]")
            }
            let place = fields[1].split(separator: "+", maxSplits: 1)
            let isProgramCounter = fields.count == 3
            if place.count == 2, let image = Self.number(place[0], prefix: "I"), let offset = Self.hex(place[1]) {
                return .frame(number: number, TraceFrame(image: image, offset: offset, isProgramCounter: isProgramCounter))
            }
            guard place.count == 1, let address = Self.hex(place[0]) else { throw Failure("frame place '\(fields[1])' is neither I<m>+0xOFFSET nor 0xADDRESS") }
            return .frame(number: number, TraceFrame(image: nil, offset: address, isProgramCounter: isProgramCounter))
        case "stack":
            let fields = rest.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let number = Self.number(fields[0], prefix: "S") else { throw Failure("expected @stack S<n> F<a> F<b> …") }
            var frames: [Int] = []
            for field in fields.dropFirst() {
                guard let frame = Self.number(field, prefix: "F") else { throw Failure("stack frame '\(field)' is no frame name (F and a number)") }
                frames.append(frame)
            }
            return .stack(number: number, frames: frames)
        case "symbol":
            let fields = rest.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard fields.count == 3, let frame = Self.number(fields[0], prefix: "F"), let line = Int(fields[1]), line >= 0, line <= Int(Int32.max),
                let bar = fields[2].firstIndex(of: "|")
            else { throw Failure("expected @symbol F<n> LINE FILE|FUNCTION") }
            let file = fields[2][..<bar].trimmingSpaces
            let function = fields[2][fields[2].index(after: bar)...].trimmingSpaces
            guard !function.isEmpty else { throw Failure("a @symbol line names no function") }
            return .symbol(frame: frame, TraceFrameSymbol(function: String(function), file: file == "-" || file.isEmpty ? nil : String(file), line: line))
        default:
            throw Failure("unknown declaration @\(keyword) (expected @image, @frame, @stack or @symbol)")
        }
    }

    /// The number after `prefix` ("F12": 12), at most nine digits.
    static func number(_ text: Substring, prefix: Character) -> Int? {
        guard text.first == prefix, text.count >= 2, text.count <= 10 else { return nil }
        let digits = text.dropFirst()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    private static func hex(_ text: Substring) -> UInt64? {
        guard text.hasPrefix("0x"), text.count > 2 else { return nil }
        return UInt64(text.dropFirst(2), radix: 16)
    }

    private static func hexBytes(_ text: Substring) -> [UInt8]? {
        if text == "-" { return [] }
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0, digits.count <= 128 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < digits.count {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
            index += 2
        }
        return bytes
    }
}

fileprivate extension Substring {
    /// Without the spaces and tabs around it.
    var trimmingSpaces: Substring {
        let start = self.firstIndex { $0 != " " && $0 != "\t" } ?? self.endIndex
        let end = self.lastIndex { $0 != " " && $0 != "\t" }.map { self.index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
