/// The constants of the binary format. The layout, in one place:
///
/// ```
/// file        := LZ4 frame+            (each frame's content is a whole number of records)
/// raw stream  := header record*
/// header      := "SYTR" version:varint program:string startTime:varint clockResolution:varint
/// string      := 0x01 id:varint text:string
/// thread      := 0x02 id:varint name:varint(string id) parent:varint(thread id + 1, 0 = none)
///                     location:varint(string id + 1, 0 = none)
/// object      := 0x03 id:varint kind:byte name:varint(string id) location:varint(string id + 1)
///                     capacity:varint
/// batch       := 0x04 thread:varint baseTimestamp:varint count:varint byteLength:u32le event*
/// end         := 0x05 eventCount:varint   (a clean stop: every recorded event is in the file)
/// signalEnd   := 0x07 eventCount:varint signal:varint
///                                        (the process was ending by `signal`: its handler wrote every
///                                        event recorded before the signal, then this record)
/// dropped     := 0x06 thread:varint count:varint   (the recorder lost `count` events of the thread
///                                                  here, under its opt-in drop-on-overflow policy)
/// image       := 0x08 id:varint path:string buildIDLength:varint buildID:byte* base:varint
///                     endOfText:varint               (version 2: an image stack frames lie in)
/// frame       := 0x09 id:varint image:varint(image id + 1, 0 = none) offset:varint(offset << 1 |
///                     1 for a program counter, 0 for a return address)
/// stack       := 0x0A location:varint(string id) count:varint(1...maximumStackDepth)
///                     frame:varint(frame id)*        (the stack of that location's call site;
///                                                      a location has at most one)
/// symbol      := 0x0B frame:varint(frame id) count:varint(1...maximumInlineDepth)
///                     (function:varint(string id) file:varint(string id + 1) line:varint)*
///                                                  (what a frame resolves to, innermost first;
///                                                   at most once per frame)
/// event       := opcode:byte [target:varint] [argument:zigzag] [sequence:zigzag]
///                [timestampDelta:zigzag] [location:varint]
///                                        (argument: a `chan`'s capacity, a `wgadd`'s delta, a
///                                        `resume`'s position; from version 3 also the ordering of
///                                        `aload`, `astore` and `armw`, as a TraceAtomicOrdering code)
/// switch      := 0x00 thread:varint     (inside a batch: later events belong to that thread)
/// string      := length:varint utf8-bytes
/// ```
///
/// Identifiers are dense and declared in order (a declaration's id is the count declared before it),
/// before any event names them. An event's opcode byte holds the operation in its low six bits, bit 6
/// when a location follows, bit 7 when a nonzero timestamp delta follows. Object operations other
/// than `req` carry a sequence number (a `req` orders nothing); it is
/// stored as the difference from one more than the previous sequence number of the same object in
/// the stream, so the common case (no other thread touched the object in between) is the byte 0.
///
/// Versions: 1 has neither stacks nor orderings; 2 adds the stack records; 3 adds an argument to
/// every atomic operation, its memory ordering (0, sequentially consistent, is one byte). A reader
/// reads all three, and an atomic of a version 1 or 2 trace is sequentially consistent, as every
/// atomic the recorder wrote then was. A reader rejects an ordering its operation cannot have (a
/// releasing load).
@usableFromInline
enum BinaryLayout {
    /// The four bytes that start the raw record stream.
    static let magic: [UInt8] = Array("SYTR".utf8)
    /// The little-endian bytes of the LZ4 frame magic number 0x184D2204 that start every binary trace file.
    static let lz4FrameMagic: [UInt8] = [0x04, 0x22, 0x4D, 0x18]

    static let stringTag: UInt8 = 0x01
    static let threadTag: UInt8 = 0x02
    static let objectTag: UInt8 = 0x03
    static let batchTag: UInt8 = 0x04
    static let endTag: UInt8 = 0x05
    static let droppedTag: UInt8 = 0x06
    static let signalEndTag: UInt8 = 0x07
    static let imageTag: UInt8 = 0x08
    static let frameTag: UInt8 = 0x09
    static let stackTag: UInt8 = 0x0A
    static let symbolTag: UInt8 = 0x0B
    /// The first format version with stack records (``imageTag`` to ``symbolTag``).
    static let stacksVersion = 2
    /// The first format version whose atomic operations carry their ordering as an argument.
    static let atomicOrderingsVersion = 3
    /// The most frames one stack record holds.
    static let maximumStackDepth = 256
    /// The most symbols one frame resolves to (an address inside that many inlined calls).
    static let maximumInlineDepth = 256

    // Computed and inlinable: constants in the encoding loops of other modules (the recorder's).
    @inlinable static var switchOpcode: UInt8 { 0x00 }
    static let operationMask: UInt8 = 0x3F
    @inlinable static var locationFlag: UInt8 { 0x40 }
    @inlinable static var timestampFlag: UInt8 { 0x80 }

    /// The largest encoded event: opcode, then at most four 10-byte varints and a 5-byte one.
    static let maximumEventSize = 1 + 5 + 10 + 10 + 10 + 5
    /// The largest thread switch: the switch opcode and a 5-byte varint thread id.
    static let maximumSwitchSize = 1 + 5
    /// The most events the writer puts in one batch record, which bounds a record's size.
    static let maximumBatchEvents = 16_384
    /// The largest decompressed frame a reader accepts: far above what the writer makes, and a
    /// bound on what a malformed file can make the reader allocate.
    static let maximumFrameContent = 64 << 20
    /// The raw size at which the writer closes a frame. Bigger frames compress a little better;
    /// smaller ones lose less to a crash.
    static let defaultFrameContent = 1 << 20
}
