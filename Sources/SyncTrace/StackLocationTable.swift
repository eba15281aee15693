import CSyncTraceRuntime
internal import Runtime
import SyncTraceFormat

/// The writer's side of recorded stacks: the trace's location for each interned (call site, stack)
/// pair, declared the first time an event names it with its frames and the images they lie in.
///
/// Used by the writer thread only. Looking a pair up costs an array index (pairs are numbered
/// densely by the session); images and frames are found only when a pair is first met.
struct StackLocationTable {
    /// Per pair id, the trace's location id plus one (0: not declared yet).
    private var locations: [UInt32] = []
    /// The trace's frame id of each address met so far.
    private var frames: [UInt: Int] = [:]
    /// The process's images, captured when a frame first needs one and again when an address lies
    /// in none of them (a library loaded since), at most ``maximumImageCaptures`` times.
    private var images: ImageMap?
    private var imageCaptures = 0
    private static let maximumImageCaptures = 16
    /// The trace's image id of each image of ``images`` declared so far, by path.
    private var declaredImages: [String: Int] = [:]
    /// The locations declared for a text and frames (threads' creation sites: a thousand threads
    /// spawned on one line share one location).
    private var declared: [StackedText: StringID] = [:]

    private struct StackedText: Hashable {
        var text: String
        var frames: [UInt]
    }

    init() {}

    /// The trace's location of pair `site` (an event's `file` when its `reserved` byte says so).
    @inline(__always)
    mutating func location(of site: UnsafePointer<synctrace_stack_site>, writer: TraceWriter) throws(TraceIOError) -> StringID {
        let id = Int(site.pointee.id)
        if id < self.locations.count, self.locations[id] != 0 { return StringID(self.locations[id] - 1) }
        return try self.declare(site, writer: writer)
    }

    @inline(never)
    private mutating func declare(_ site: UnsafePointer<synctrace_stack_site>, writer: TraceWriter) throws(TraceIOError) -> StringID {
        let pair = site.pointee
        let bytes = UnsafeBufferPointer(start: pair.file?.assumingMemoryBound(to: UInt8.self), count: Int(pair.file_length))
        let text = "\(String(decoding: bytes, as: UTF8.self)):\(pair.line)"
        var addresses: [UInt] = []
        withUnsafeBytes(of: site.pointee.frames) { raw in
            addresses = Array(raw.bindMemory(to: UInt.self).prefix(Int(pair.depth)))
        }
        let location = try self.location(text, frames: addresses, writer: writer)
        let id = Int(pair.id)
        if id >= self.locations.count {
            self.locations.append(contentsOf: repeatElement(0, count: max(id + 1, self.locations.count * 2) - self.locations.count))
        }
        self.locations[id] = location.rawValue + 1
        return location
    }

    /// A location with text `text` and the stack `addresses` (frame 0 a program counter, the rest
    /// return addresses): the plain interned location when there are none.
    mutating func location(_ text: String, frames addresses: [UInt], writer: TraceWriter) throws(TraceIOError) -> StringID {
        guard !addresses.isEmpty else { return try writer.intern(text) }
        let key = StackedText(text: text, frames: addresses)
        if let known = self.declared[key] { return known }
        var ids: [Int] = []
        for (index, address) in addresses.enumerated() {
            if let known = self.frames[address] {
                ids.append(known)
                continue
            }
            let (image, offset) = try self.place(address, writer: writer)
            let frame = try writer.declareFrame(image: image, offset: offset, isProgramCounter: index == 0)
            self.frames[address] = frame
            ids.append(frame)
        }
        let location = try writer.declareStackLocation(text, frames: ids)
        self.declared[key] = location
        return location
    }

    /// The image `address` lies in (declared the first time) and its offset there; no image and the
    /// address itself when none holds it.
    private mutating func place(_ address: UInt, writer: TraceWriter) throws(TraceIOError) -> (Int?, UInt64) {
        let wanted = Backtrace.Address(UInt64(address))
        if self.images == nil || (self.images!.indexOfImage(at: wanted) == nil && self.imageCaptures < Self.maximumImageCaptures) {
            self.images = ImageMap.capture()
            self.imageCaptures += 1
        }
        guard let images = self.images, let index = images.indexOfImage(at: wanted) else { return (nil, UInt64(address)) }
        let image = images[index]
        let base = UInt64(image.baseAddress) ?? 0
        let path = image.path ?? image.name ?? "?"
        if let known = self.declaredImages[path] { return (known, UInt64(address) &- base) }
        let declared = try writer.declareImage(
            TraceImage(path: path, buildID: image.uniqueID ?? [], baseAddress: base, endOfText: UInt64(image.endOfText) ?? base)
        )
        self.declaredImages[path] = declared
        return (declared, UInt64(address) &- base)
    }
}
