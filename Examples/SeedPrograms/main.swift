// The seed's small concurrent programs, in Swift with SyncTrace's traced primitives: one program per
// mode, each in its own file, each printing what it did. None of them starts or stops recording:
// run one with SYNCTRACE_OUTPUT set and it records itself, then analyse the trace.
//
//   SYNCTRACE_OUTPUT=x.synctrace swift run SeedPrograms unsynchronized-write
//   swift run synctrace analyze x.synctrace
//
// `swift run SeedPrograms` alone lists the modes and what `synctrace analyze` reports for each.
import SyncTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every program: its mode, what the analysis finds in its trace, and the function that runs it.
let programs: [(mode: String, finding: String, run: () -> Void)] = [
    ("unsynchronized-write", "data race on x", unsynchronizedWrite),
    ("config-before-spawn", "no findings", configBeforeSpawn),
    ("channel-handoff", "no findings", { channelHandoff(capacity: 0) }),
    ("buffered-channel-handoff", "no findings", { channelHandoff(capacity: 1) }),
    ("channel-mutex", "no findings", channelAsMutex),
    ("channel-semaphore", "data race on counter", channelAsSemaphore),
    ("waitgroup-fanout", "no findings", waitGroupFanOut),
    ("flag-plain", "data races on ready and data", plainFlag),
    ("flag-atomic", "no findings", atomicFlag),
    ("lock-inversion", "potential deadlock on accounts and ledger (the run never hangs)", lockInversion),
    ("deadlock", "actual deadlock on fork 0 and fork 1 (hangs: run it with the watchdog)", realDeadlock),
    ("check-then-act", "1 lost update on balance, no data race", checkThenAct),
    ("lock-ordered", "no data race; with --predict, a predicted data race on result", { lockOrderedRace(fixed: false) }),
    ("lock-ordered-fixed", "no findings, with --predict too", { lockOrderedRace(fixed: true) }),
    ("held-lock", "no findings; stats --waits shows one wait of about 20 ms on cache", heldLock),
]

let mode = CommandLine.arguments.dropFirst().first
guard let program = programs.first(where: { $0.mode == mode }) else {
    print("usage: SeedPrograms MODE, recorded with SYNCTRACE_OUTPUT=FILE; the modes and what analysis finds:")
    for program in programs { print("  \(program.mode): \(program.finding)") }
    exit(mode == nil ? 0 : 2)
}
program.run()
