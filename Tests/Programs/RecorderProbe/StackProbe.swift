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
    static func bump(_ value: TracedVar<Int>) {
        value[] += 1
    }

    @inline(never) static func fromAlpha(_ value: TracedVar<Int>) { bump(value) }
    @inline(never) static func fromBeta(_ value: TracedVar<Int>) { bump(value) }
    @inline(never) static func fromGamma(_ value: TracedVar<Int>) { bump(value) }

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
