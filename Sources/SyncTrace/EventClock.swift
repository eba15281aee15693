import CSyncTraceRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The clock of event timestamps, on the writer thread's side: what turns the ticks a recording
/// thread stamps an event with into microseconds since the session started.
///
/// A recording thread stamps every event with the low 32 bits of ``now()`` (see
/// `synctrace_clock_ticks`): the CPU's own counter (x86's TSC, AArch64's virtual counter), read in
/// about 10 ns without a system call, shifted right so that a tick lasts 0.25 to 0.5 µs. A tick that
/// short keeps the timeline's waits and holds exact to the microsecond the trace format stores,
/// and 2^31 of them (the reach of ``synctrace_unwrap_timestamp``) last at least 9 minutes, while
/// the writer encodes an event within milliseconds of its stamp (it sweeps idle buffers every 10 ms).
///
/// The counter's rate is measured against `CLOCK_MONOTONIC`: once per process, for the shift, and
/// again on each of the writer's passes (``recalibrate()``) over the whole session so far, so that
/// the conversion's error stays near that of one pair of clock reads, however long the session.
/// Where the counter cannot be trusted (Linux says its clock source is another one: a TSC that
/// stops or drifts between cores) or `SYNCTRACE_CLOCK=monotonic` asks for it, events are stamped
/// from `CLOCK_MONOTONIC` itself, about 30 ns a read.
struct EventClock {
    /// How this process stamps events: decided once, the first time a session starts, and handed
    /// to the C runtime before any event is stamped.
    struct Configuration {
        /// Bits the counter is shifted right by.
        let shift: UInt32
        /// Whether the CPU's counter is read (else `CLOCK_MONOTONIC` in nanoseconds).
        let usesCounter: Bool
        /// Nanoseconds per tick, as measured when the process decided.
        let nanosecondsPerTick: Double

        /// The longest a tick may last, in nanoseconds: half a microsecond, so that the trace's
        /// microseconds are exact.
        static let longestTick = 500.0

        /// This process's configuration (measured the first time it is asked for, which takes
        /// about 2 ms), already given to the C runtime.
        static let process: Configuration = {
            let configuration = Configuration.measure()
            synctrace_configure_clock(configuration.shift, configuration.usesCounter ? 1 : 0)
            return configuration
        }()

        /// Measures the counter's rate against `CLOCK_MONOTONIC` over about 2 ms (or takes the
        /// monotonic clock where the counter is not to be used) and picks the shift.
        static func measure() -> Configuration {
            guard Self.counterIsUsable() else { return Configuration(nanosecondsPerCount: 1, usesCounter: false) }
            synctrace_configure_clock(0, 1)
            let start = EventClock.pairedReading()
            while synctrace_monotonic_nanoseconds() &- start.nanoseconds < 2_000_000 {}
            let end = EventClock.pairedReading()
            // A counter that did not move, or moves slower than 1 MHz, is no clock to stamp with.
            guard end.ticks > start.ticks, end.ticks - start.ticks >= 2_000, end.nanoseconds > start.nanoseconds else {
                return Configuration(nanosecondsPerCount: 1, usesCounter: false)
            }
            return Configuration(
                nanosecondsPerCount: Double(end.nanoseconds - start.nanoseconds) / Double(end.ticks - start.ticks),
                usesCounter: true
            )
        }

        /// The configuration whose ticks are the longest power of two of counts that lasts at most
        /// ``longestTick``.
        init(nanosecondsPerCount: Double, usesCounter: Bool) {
            var shift: UInt32 = 0
            while shift < 32 && Double(UInt64(1) << (shift + 1)) * nanosecondsPerCount <= Self.longestTick { shift += 1 }
            self.shift = shift
            self.usesCounter = usesCounter
            self.nanosecondsPerTick = Double(UInt64(1) << shift) * nanosecondsPerCount
        }

        /// Whether to stamp from the CPU's counter: not when `SYNCTRACE_CLOCK=monotonic`, nor on an
        /// architecture without one, nor where Linux's clock source is not the counter (the kernel
        /// found it unstable or unsynchronized between cores).
        private static func counterIsUsable() -> Bool {
            #if arch(x86_64) || arch(arm64)
            if let requested = getenv("SYNCTRACE_CLOCK"), String(cString: requested) == "monotonic" { return false }
            #if os(Linux)
            guard let source = Self.firstLine(of: "/sys/devices/system/clocksource/clocksource0/current_clocksource") else {
                // No sysfs (a container that hides it): the counter is architectural on both.
                return true
            }
            #if arch(x86_64)
            return source == "tsc"
            #else
            return source == "arch_sys_counter"
            #endif
            #else
            return true
            #endif
            #else
            return false
            #endif
        }

        private static func firstLine(of path: String) -> String? {
            guard let file = fopen(path, "r") else { return nil }
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 64)
            guard fgets(&line, Int32(line.count), file) != nil else { return nil }
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return text.hasSuffix("\n") ? String(text.dropLast()) : text
        }
    }

    /// The ticks when the session started, and the monotonic nanoseconds of that moment.
    private let startTicks: UInt64
    private let startNanoseconds: UInt64
    /// Where the session's ticks are ``startTicks``, relative to its own start: the offset, in
    /// nanoseconds, of the moment the clock was read.
    private let startOffset: Double
    /// Nanoseconds per tick, measured over the session so far.
    private(set) var nanosecondsPerTick: Double
    private let usesCounter: Bool

    /// The clock of a session that starts now, `startNanoseconds` being its `CLOCK_MONOTONIC` start.
    init(startNanoseconds: UInt64) {
        let configuration = Configuration.process
        let start = Self.pairedReading()
        self.startTicks = start.ticks
        self.startNanoseconds = start.nanoseconds
        self.startOffset = Double(Int64(bitPattern: start.nanoseconds &- startNanoseconds))
        self.nanosecondsPerTick = configuration.nanosecondsPerTick
        self.usesCounter = configuration.usesCounter
    }

    /// The ticks now, for ``microseconds(ofStamp:now:)``.
    static func now() -> UInt64 { synctrace_clock_ticks() }

    /// The ticks and `CLOCK_MONOTONIC` of one moment: the monotonic clock read between two readings
    /// of the ticks, from the attempt whose readings lay closest (a thread preempted between them
    /// would pair two moments milliseconds apart, and a rate measured from them would be off).
    static func pairedReading() -> (ticks: UInt64, nanoseconds: UInt64) {
        var best: (ticks: UInt64, nanoseconds: UInt64, spread: UInt64)?
        for _ in 0..<8 {
            let before = synctrace_clock_counter()
            let nanoseconds = synctrace_monotonic_nanoseconds()
            let after = synctrace_clock_counter()
            let spread = after &- before
            if best == nil || spread < best!.spread { best = (before + spread / 2, nanoseconds, spread) }
        }
        let shift = synctrace_clock_shift()
        return (best!.ticks >> shift, best!.nanoseconds)
    }

    /// Measures the rate again over the whole session so far (once it has lasted 10 ms: before
    /// that, the process's first measurement is the better one). For the writer thread, each pass.
    /// The monotonic clock's ticks need none: they are 2^shift nanoseconds exactly.
    mutating func recalibrate() {
        guard self.usesCounter else { return }
        let now = Self.pairedReading()
        guard now.nanoseconds &- self.startNanoseconds >= 10_000_000, now.ticks > self.startTicks else { return }
        self.nanosecondsPerTick = Double(now.nanoseconds - self.startNanoseconds) / Double(now.ticks - self.startTicks)
    }

    /// The microseconds since the session started of an event stamped `stamp`, given the ticks
    /// `now` (``now()``) read within 2^31 ticks of the stamp. An event stamped before the session
    /// started (none is) would be at 0.
    func microseconds(ofStamp stamp: UInt32, now: UInt64) -> UInt64 {
        let ticks = synctrace_unwrap_timestamp(stamp, now)
        let nanoseconds = self.startOffset + Double(Int64(bitPattern: ticks &- self.startTicks)) * self.nanosecondsPerTick
        return nanoseconds > 0 ? UInt64(nanoseconds / 1000) : 0
    }
}
