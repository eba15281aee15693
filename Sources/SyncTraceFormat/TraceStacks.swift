/// A binary image (the executable or a shared library) that recorded stack frames lie in.
public struct TraceImage: Hashable, Sendable {
    /// Where the image was loaded from, in the recorded process.
    public var path: String
    /// Its build id (ELF's `NT_GNU_BUILD_ID`; empty when it has none): what tells an offline
    /// symbolizer that a binary on disk is the one that ran.
    public var buildID: [UInt8]
    /// Where it was loaded in the recorded process.
    public var baseAddress: UInt64
    /// The end of its text, in the recorded process.
    public var endOfText: UInt64

    /// Creates an image description.
    public init(path: String, buildID: [UInt8], baseAddress: UInt64, endOfText: UInt64) {
        self.path = path
        self.buildID = buildID
        self.baseAddress = baseAddress
        self.endOfText = endOfText
    }

    /// The build id in hex ("" when there is none).
    public var buildIDText: String { self.buildID.map { byte in String(byte >> 4, radix: 16) + String(byte & 15, radix: 16) }.joined() }
}

/// What a frame's address resolves to: a function, with its source line when the binary has one.
/// An address inside inlined code resolves to several, innermost first.
public struct TraceFrameSymbol: Hashable, Sendable {
    /// The demangled function name.
    public var function: String
    /// The source file, if the binary's debug information names it.
    public var file: String?
    /// The line in `file` (0 when unknown).
    public var line: Int

    /// Creates a symbol.
    public init(function: String, file: String?, line: Int) {
        self.function = function
        self.file = file
        self.line = line
    }
}

/// One recorded frame: an address of the recorded process, in an image when one held it, and its
/// symbols once they are known (written at the end of recording, or found offline).
public struct TraceFrame: Hashable, Sendable {
    /// The index of the image in ``TraceSymbols/images``, if the address lies in a known one.
    public var image: Int?
    /// The address's offset from the image's base (the address itself without an image).
    public var offset: UInt64
    /// Whether the address is a program counter (frame 0) rather than a return address, which
    /// symbolizers look up one byte earlier (in the call instruction).
    public var isProgramCounter: Bool
    /// What the address resolves to, innermost first; `nil` while not symbolized.
    public var symbols: [TraceFrameSymbol]?

    /// Creates a frame.
    public init(image: Int?, offset: UInt64, isProgramCounter: Bool, symbols: [TraceFrameSymbol]? = nil) {
        self.image = image
        self.offset = offset
        self.isProgramCounter = isProgramCounter
        self.symbols = symbols
    }
}

/// The stack of a location: the frames (indices into ``TraceSymbols/frames``) innermost first.
public struct TraceStack: Hashable, Sendable {
    /// The location string that names this (call site, stack) pair: each distinct pair has a location
    /// string of its own, whose text is the call site's.
    public var location: StringID
    /// Indices into ``TraceSymbols/frames``, innermost first.
    public var frames: [Int]

    /// Creates a stack.
    public init(location: StringID, frames: [Int]) {
        self.location = location
        self.frames = frames
    }
}

/// One line of a stack as reports show it: a function with its file and line, or, for a frame no
/// symbolizer could read, the image and offset.
public struct StackFrame: Hashable, Sendable, CustomStringConvertible {
    /// The demangled function name (`nil` for a frame without symbols).
    public var function: String?
    /// The source file, when known.
    public var file: String?
    /// The line in ``file`` (0 when unknown).
    public var line: Int
    /// The image's path (its last component is what ``description`` shows for a raw frame).
    public var image: String?
    /// The offset in the image (or the address, without one).
    public var offset: UInt64

    /// Creates a frame.
    public init(function: String?, file: String?, line: Int, image: String?, offset: UInt64) {
        self.function = function
        self.file = file
        self.line = line
        self.image = image
        self.offset = offset
    }

    /// `file:line` when known, else `image+0xoffset`.
    public var place: String {
        if let file { return self.line > 0 ? "\(file):\(self.line)" : file }
        let name = self.image.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "?"
        return "\(name)+0x\(String(self.offset, radix: 16))"
    }

    /// "function at file:line", or the raw place.
    public var description: String {
        guard let function = self.function else { return self.place }
        return "\(function) at \(self.place)"
    }
}
