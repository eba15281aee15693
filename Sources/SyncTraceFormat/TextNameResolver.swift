/// Turns a parsed text line's names into ids, growing the trace's symbols as names first appear.
///
/// Names are looked up by their bytes in ``ByteNameTable``s; a `String` is made only when a name is
/// new. Threads and objects are numbered in order of first appearance; an object's kind comes from
/// the first operation that names it other than `req`. Every per-object table is a flat array.
struct TextNameResolver {
    /// Every name and location so far (the stack declarations change it too: `+Stacks`).
    var symbols = TraceSymbols()
    /// The frames of each `@stack` declared so far, by its number.
    var textStacks: [[Int]] = []
    /// The location string of each (call site, stack) pair met so far.
    var stackedLocations: [StackedLocation: StringID] = [:]
    /// The frame the previous line gave a symbol to, if it was a `@symbol` line.
    var lastSymbolFrame: Int?
    private var threads = ByteNameTable<WordMixingHash>()
    private var objects = ByteNameTable<WordMixingHash>()
    private var strings = ByteNameTable<WordMixingHash>()
    /// What each object's lines need, in one flat array: one memory access per line, not three.
    private var objectStates: [ObjectState] = []
    /// The thread and the object the previous line named: consecutive lines mostly share them
    /// (`r(v)` then `w(v)` by one thread), and comparing keys is cheaper than a table lookup.
    private var lastThread = RecentName()
    private var lastObject = RecentName()

    private struct ObjectState {
        /// The sequence number of the object's next operation.
        var nextSequence: UInt64 = 0
        /// The same as in the object's declaration, without touching the declarations per line.
        var kind: ObjectKind
        /// Whether only `req` has named the object so far: its kind (a lock, by default) is the next
        /// operation's to decide, as a recorded trace may show a thread asking for a semaphore before
        /// anyone signals it.
        var namedOnlyByRequests: Bool
    }

    /// The kind of an object that a resolved event names.
    @inline(__always)
    func kind(of object: ObjectID) -> ObjectKind { self.objectStates[object.index].kind }

    /// A name just looked up, with its number; only names a ``ShortKey`` holds whole are kept.
    private struct RecentName {
        var key = ShortKey(UnsafeBufferPointer(start: nil, count: 0))
        var index = -1

        @inline(__always)
        func index(of key: ShortKey) -> Int? {
            self.index >= 0 && key.isWhole && key == self.key ? self.index : nil
        }
    }

    /// The event that `line` (whose bytes are `bytes`) describes, declaring its new names.
    @inline(__always)
    mutating func resolve(_ line: borrowing ParsedLine, in bytes: UnsafeBufferPointer<UInt8>) -> TraceEvent {
        let thread = self.thread(named: bytes[line.thread], parent: nil)
        var event = TraceEvent(operation: line.operation, thread: thread, argument: line.argument)
        switch line.operation.target {
        case .none:
            break
        case .thread:
            let parent = line.operation == .fork ? thread : nil
            event.target = self.thread(named: bytes[line.target], parent: parent).rawValue
        case .object(let family):
            let object = self.object(named: bytes[line.target], family: family, operation: line.operation, argument: line.argument)
            event.target = object.rawValue
            if line.operation.hasSequence {
                event.sequence = self.objectStates[object.index].nextSequence
                self.objectStates[object.index].nextSequence += 1
            }
        }
        if let location = line.location {
            let site = self.intern(bytes[location])
            event.location = line.stack.map { self.stackLocation(site, stack: $0) } ?? site
        }
        if self.lastSymbolFrame != nil { self.lastSymbolFrame = nil }
        return event
    }

    /// Interns `text` as the string table's own: a symbol's function and file are strings of the
    /// trace, as in a binary one, so that copying the trace keeps its string numbering.
    mutating func intern(text: String) {
        var copy = text
        copy.withUTF8 { bytes in _ = self.intern(bytes[...]) }
    }

    /// Appends `text` as a string of its own even when the table holds it already (a stacked
    /// location repeats its call site's text), keeping the byte table's numbering the strings': the
    /// table gets a key no line can hold (it starts with 0xFF, which is never UTF-8).
    mutating func appendUninterned(_ text: String) -> StringID {
        let id = StringID(UInt32(self.symbols.strings.count))
        let key = [0xFF] + Array(String(id.rawValue).utf8)
        key.withUnsafeBufferPointer { _ = self.strings.insert($0) }
        self.symbols.strings.append(text)
        return id
    }

    private mutating func intern(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> StringID {
        let (index, inserted) = self.strings.insert(UnsafeBufferPointer(rebasing: text))
        if inserted { self.symbols.strings.append(String(decoding: text, as: UTF8.self)) }
        return StringID(UInt32(truncatingIfNeeded: index))
    }

    private mutating func thread(named name: Slice<UnsafeBufferPointer<UInt8>>, parent: ThreadID?) -> ThreadID {
        let bytes = UnsafeBufferPointer(rebasing: name)
        let key = ShortKey(bytes)
        if let index = self.lastThread.index(of: key) { return ThreadID(UInt32(truncatingIfNeeded: index)) }
        let (index, inserted) = self.threads.insert(bytes, short: key)
        self.lastThread = RecentName(key: key, index: index)
        let id = ThreadID(UInt32(truncatingIfNeeded: index))
        if inserted {
            _ = self.intern(name)
            self.symbols.threads.append(ThreadDeclaration(id: id, name: String(decoding: name, as: UTF8.self), parent: parent))
        }
        return id
    }

    private mutating func object(
        named name: Slice<UnsafeBufferPointer<UInt8>>,
        family: ObjectFamily,
        operation: TraceOperation,
        argument: Int64
    ) -> ObjectID {
        let bytes = UnsafeBufferPointer(rebasing: name)
        let key = ShortKey(bytes)
        let index: Int
        let inserted: Bool
        if let recent = self.lastObject.index(of: key) {
            (index, inserted) = (recent, false)
        } else {
            (index, inserted) = self.objects.insert(bytes, short: key)
            self.lastObject = RecentName(key: key, index: index)
        }
        let id = ObjectID(UInt32(truncatingIfNeeded: index))
        let capacity = operation == .makeChannel ? Int(argument) : 0
        if inserted {
            _ = self.intern(name)
            let kind = family.kind(firstNamedBy: operation)
            self.symbols.objects.append(ObjectDeclaration(id: id, kind: kind, name: String(decoding: name, as: UTF8.self), capacity: capacity))
            self.objectStates.append(ObjectState(kind: kind, namedOnlyByRequests: operation == .request))
        } else if self.objectStates[index].namedOnlyByRequests && operation != .request {
            let kind = family.kind(firstNamedBy: operation)
            self.objectStates[index].namedOnlyByRequests = false
            self.objectStates[index].kind = kind
            self.symbols.objects[index].kind = kind
            self.symbols.objects[index].capacity = capacity
        }
        return id
    }
}
