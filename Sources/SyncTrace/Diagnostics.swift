import CSyncTraceRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Prints one line to stderr, "SyncTrace: …": the recorder's only way to speak when no handler is set.
func printDiagnostic(_ message: String) {
    var line = "SyncTrace: \(message)\n"
    line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

/// Nanoseconds of a monotonic clock, for time-outs.
func synctraceMonotonicNanoseconds() -> UInt64 {
    synctrace_monotonic_nanoseconds()
}
