/// A thread as the trace declares it.
public struct ThreadDeclaration: Hashable, Sendable {
    /// The thread's identifier (its index in ``TraceSymbols/threads``).
    public var id: ThreadID
    /// The thread's name as the program gave it (any text; the text form prints a sanitized form).
    public var name: String
    /// The thread that created it, if known.
    public var parent: ThreadID?
    /// Where it was created, if known.
    public var location: StringID?

    /// Creates a thread declaration.
    public init(id: ThreadID, name: String, parent: ThreadID? = nil, location: StringID? = nil) {
        self.id = id
        self.name = name
        self.parent = parent
        self.location = location
    }
}

/// A synchronization object or shared variable as the trace declares it.
public struct ObjectDeclaration: Hashable, Sendable {
    /// The object's identifier (its index in ``TraceSymbols/objects``).
    public var id: ObjectID
    /// What the object is.
    public var kind: ObjectKind
    /// The object's name (any text; the text form prints a sanitized form).
    public var name: String
    /// Where it was created, if known.
    public var location: StringID?
    /// A channel's capacity (zero for a rendezvous channel and for every other kind).
    public var capacity: Int

    /// Creates an object declaration.
    public init(id: ObjectID, kind: ObjectKind, name: String, location: StringID? = nil, capacity: Int = 0) {
        self.id = id
        self.kind = kind
        self.name = name
        self.location = location
        self.capacity = capacity
    }
}

/// The names of a trace: interned strings, threads and objects, each numbered densely from zero.
///
/// Readers grow it as declarations arrive, so it always covers every event handed out so far.
public struct TraceSymbols: Hashable, Sendable {
    /// Interned strings: names and source locations.
    public var strings: [String] = []
    /// Declared threads, indexed by ``ThreadID``.
    public var threads: [ThreadDeclaration] = []
    /// Declared objects, indexed by ``ObjectID``.
    public var objects: [ObjectDeclaration] = []
    /// Images the recorded frames lie in (empty for a trace recorded without stacks).
    public var images: [TraceImage] = []
    /// Recorded frames, each declared once however many stacks hold it.
    public var frames: [TraceFrame] = []
    /// Stacks in declaration order, each attached to the location string of its (call site, stack) pair.
    public var stacks: [TraceStack] = []
    /// The index in ``stacks`` of each location that has a stack.
    public var stackIndex: [StringID: Int] = [:]

    /// Creates an empty symbol table.
    public init() {}

    /// The string with the given identifier.
    public func string(_ id: StringID) -> String { self.strings[id.index] }

    /// The source location text, or `nil` when the event has none.
    public func location(_ id: StringID?) -> String? { id.map { self.strings[$0.index] } }

    /// The declaration of a thread.
    public func thread(_ id: ThreadID) -> ThreadDeclaration { self.threads[id.index] }

    /// The declaration of an object.
    public func object(_ id: ObjectID) -> ObjectDeclaration { self.objects[id.index] }

    /// Whether some frame of a stack has no symbols yet.
    public var hasUnsymbolizedFrames: Bool { self.frames.contains { $0.symbols == nil } }

    /// The stack recorded with a location, as reports show it (empty when it has none): each frame's
    /// symbols innermost first (several for inlined code), or the raw frame for one without.
    ///
    /// The first frames of a recorded stack are the recorder's own (the traced operation and what it
    /// calls): a symbolized stack starts at the frame that is the location's own call site, so the
    /// first line shown is the caller's line the location names (or, failing that, its file). When
    /// no frame matches (no line tables), leading frames of the recorder's own sources are left out.
    public func stack(_ location: StringID?) -> [StackFrame] {
        guard let location, let index = self.stackIndex[location] else { return [] }
        var shown: [StackFrame] = []
        for frameIndex in self.stacks[index].frames {
            let frame = self.frames[frameIndex]
            let image = frame.image.map { self.images[$0].path }
            if let symbols = frame.symbols, !symbols.isEmpty {
                for symbol in symbols {
                    shown.append(StackFrame(function: symbol.function, file: symbol.file, line: symbol.line, image: image, offset: frame.offset))
                }
            } else {
                shown.append(StackFrame(function: nil, file: nil, line: 0, image: image, offset: frame.offset))
            }
        }
        return Self.droppingRecorderFrames(shown, site: self.strings[location.index])
    }

    /// `frames` from the one at call site `site` ("Module/File.swift:12") on; without one, without
    /// the leading frames of the recorder's module.
    static func droppingRecorderFrames(_ frames: [StackFrame], site: String) -> [StackFrame] {
        guard let colon = site.lastIndex(of: ":"), let line = Int(site[site.index(after: colon)...]) else { return frames }
        let file = site[..<colon].split(separator: "/").last.map(String.init) ?? ""
        func inFile(_ frame: StackFrame) -> Bool { frame.file?.hasSuffix("/" + file) == true || frame.file == file }
        // The line first; then the file alone, for a return address whose line the compiler left
        // at 0 (a call it generated, such as a subscript's setter after its getter).
        if let first = frames.firstIndex(where: { $0.line == line && inFile($0) }) {
            return Array(frames[first...])
        }
        // The file alone, when only the recorder's frames come before it.
        if let first = frames.firstIndex(where: inFile), frames[..<first].allSatisfy(Self.isRecorderFrame) {
            var shown = Array(frames[first...])
            if shown[0].line == 0 { shown[0].line = line }
            return shown
        }
        let recorder = frames.prefix(while: Self.isRecorderFrame)
        return Array(frames[recorder.count...])
    }

    /// Whether a frame is the recorder's own: in its sources, or (an optimized build's specialized
    /// copy, without a line) named after one of its functions or types.
    static func isRecorderFrame(_ frame: StackFrame) -> Bool {
        if let file = frame.file, file.contains("/Sources/SyncTrace/") || file.contains("CSyncTraceRuntime/") { return true }
        guard let function = frame.function else { return false }
        var name = function[...]
        // What the demangler puts before the function a specialization, thunk or closure is of.
        let prefixes = ["specialized ", "merged ", "partial apply for ", "static ", "reabstraction thunk helper from ", "implicit "]
        var changed = true
        while changed {
            changed = false
            for prefix in prefixes where name.hasPrefix(prefix) {
                name = name.dropFirst(prefix.count)
                changed = true
            }
            // "closure #2 in f()": what follows the closure's number.
            if name.hasPrefix("closure #"), let digitsEnd = name.dropFirst(9).firstIndex(where: { !$0.isNumber }),
                name[digitsEnd...].hasPrefix(" in ")
            {
                name = name[digitsEnd...].dropFirst(4)
                changed = true
            }
            if name.hasPrefix("generic specialization <"), let of = name.indices.first(where: { name[$0...].hasPrefix("> of ") }) {
                name = name[of...].dropFirst(5)
                changed = true
            }
        }
        let recorderNames = ["synctrace_", "recordEvent", "recordNumberedEvent", "Traced", "SpinLock.", "SessionCounter.", "RecordingSession.", "ThreadRecorder.", "LogicalThread."]
        return recorderNames.contains { name.hasPrefix($0) }
    }
}
