/// What a binary trace says about itself before its first record.
public struct TraceHeader: Hashable, Sendable {
    /// The newest version of the binary format this library reads and writes, and what the recorder
    /// and ``TraceWriter`` write unless told otherwise: 2 adds call stacks, 3 the memory ordering of
    /// every atomic operation (``TraceEvent/atomicOrdering``).
    public static let currentFormatVersion = 3
    /// The first version, without call stacks or atomic orderings: what the recorder wrote with stack
    /// capture off before version 3. Its atomics read as sequentially consistent.
    public static let formatVersionWithoutStacks = 1

    /// The binary format version of the trace.
    public var formatVersion: Int
    /// The program that was recorded (or the source file a trace was converted from).
    public var program: String
    /// When recording started, in nanoseconds since 1970-01-01 UTC (0 when unknown).
    public var startTime: UInt64
    /// How many nanoseconds one tick of an event's timestamp lasts.
    public var clockResolution: UInt64

    /// Creates a header.
    public init(
        formatVersion: Int = TraceHeader.currentFormatVersion,
        program: String,
        startTime: UInt64 = 0,
        clockResolution: UInt64 = 1
    ) {
        self.formatVersion = formatVersion
        self.program = program
        self.startTime = startTime
        self.clockResolution = clockResolution
    }
}
