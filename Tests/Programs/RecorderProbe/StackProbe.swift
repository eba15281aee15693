import SyncTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `RecorderProbe stacks HOW`: a racy helper called from three places (three threads, one caller
/// each), for the call-stack tests. HOW says how the process ends: `exit` (a clean end: the trace
/// is symbolized in the process), `signal` (SIGABRT after the race: the handler finishes the trace
/// without symbols), `kill` (it flushes, prints "flushed" and waits for the test's SIGKILL).
enum StackProbe {
    /// The helper that races: its line is the call site every access records.
    static func bump(_ value: TracedVar<Int>, by step: Int) {
        value[] += step
    }

    // Each caller adds its own step: callers with identical bodies would be merged into one function
    // by an optimized build, and their stacks would be one.
    @inline(never) static func fromAlpha(_ value: TracedVar<Int>) { bump(value, by: 1) }
    @inline(never) static func fromBeta(_ value: TracedVar<Int>) { bump(value, by: 2) }
    @inline(never) static func fromGamma(_ value: TracedVar<Int>) { bump(value, by: 3) }

    static func run(how: String) -> Never {
        let value = TracedVar(0, name: "shared")
        let threads = [
            TracedThread.spawn(name: "alpha") { fromAlpha(value) },
            TracedThread.spawn(name: "beta") { fromBeta(value) },
            TracedThread.spawn(name: "gamma") { fromGamma(value) },
        ]
        for thread in threads { thread.join() }
        print("shared: \(value[])")
        switch how {
        case "signal":
            abort()
        case "kill":
            TraceRecorder.flush()
            print("flushed")
            fflush(nil)
            while true { sleep(10) }
        default:
            exit(0)
        }
    }
}
