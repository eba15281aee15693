// A program for the recorder's tests to run in a child process. Recording is switched on only by
// the environment (SYNCTRACE_OUTPUT), as a user would, and the program never calls stop(): the
// trace must be finished at exit.
//
//   RecorderProbe counter THREADS      the seed's racy counter: THREADS threads each do counter++
//   RecorderProbe flood EVENTS         one thread records EVENTS lock operations as fast as it can
//   RecorderProbe deadlock THREADS     THREADS threads (2 or more) each take lock i, then lock i+1 (mod
//                                      THREADS): a real lock-order deadlock that hangs for good, for
//                                      the watchdog (SYNCTRACE_WATCHDOG…) to end
//   RecorderProbe inversion JOINED     two threads take locks "accounts" and "ledger" in opposite
//                                      orders without hanging: concurrently (JOINED 0, the second
//                                      waits 50 ms) or one joined before the other starts (JOINED 1)
//   RecorderProbe lockwait MS          a thread holds lock "slow" for MS milliseconds while main waits
//   RecorderProbe crash HOW PHASE      4 workers each do 5,000 × `m.withLock { v[] += 1 }`; then (PHASE
//                                      joined) main joins them, or (PHASE alive) they block on lock
//                                      "gate" that main holds; main prints what it recorded, by
//                                      operation, and dies HOW (see `CrashProbe.die`); PHASE run: the workers
//                                      go on for ever, for a test to kill the process from outside
//   RecorderProbe fork ITERATIONS      workers record while main forks a child that uses traced
//                                      primitives and exits; main waits for it, then finishes
//   RecorderProbe pid MS               prints its process id, then records lock operations for MS ms
//   RecorderProbe ticks N              acquires and releases lock "tick" N times, 200 µs of spinning
//                                      apart, then once more after 20 ms: for the event clock's tests
//   RecorderProbe grouped N            N variables racing at the same two lines (FindingsProbe)
//   RecorderProbe bank N               N accounts, transfers both ways between each pair, locked in
//                                      argument order, one at a time (FindingsProbe)
//   RecorderProbe wallets 0            two `balance`s of one type: one races, one loses an update
//   RecorderProbe stacks HOW           a racy helper called from three threads' three callers, ending
//                                      HOW: exit, signal (SIGABRT) or kill (waits for SIGKILL)
//   RecorderProbe scale SHAPE T N      T threads, N iterations each: `locked` (a counter under one
//                                      lock), `lockloop` (`m.withLock {}` then a write and a read) or
//                                      `contended` (lock and unlock of one shared lock)
//   RecorderProbe publish ORDERINGS    main writes a payload, then sets a TracedAtomic flag that a
//                                      consumer waits for before it reads the payload: ORDERINGS
//                                      relaxed, acquire-release, relaxed-load (releasing store,
//                                      relaxed load), exchange or default (PublishProbe)
import Dispatch
import SyncTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Started from a test process, the probe inherits the signal mask of whichever thread spawned it (a
// Dispatch worker blocks SIGTERM, SIGINT, SIGABRT…): start with none blocked, as from a shell.
var nothingBlocked = sigset_t()
sigemptyset(&nothingBlocked)
sigprocmask(SIG_SETMASK, &nothingBlocked, nil)

let arguments = CommandLine.arguments
if arguments.count == 4 && arguments[1] == "crash" {
    CrashProbe.run(how: arguments[2], phase: arguments[3])
}
if arguments.count == 3 && arguments[1] == "stacks" {
    StackProbe.run(how: arguments[2])
}
if arguments.count == 3 && arguments[1] == "publish" {
    PublishProbe.run(orderings: arguments[2])
    exit(0)
}
if arguments.count == 5 && arguments[1] == "scale", let threads = Int(arguments[3]), let iterations = Int(arguments[4]) {
    ScaleProbe.run(shape: arguments[2], threads: threads, iterations: iterations)
}
guard arguments.count == 3, let count = Int(arguments[2]) else {
    print("usage: RecorderProbe counter|flood|deadlock|inversion|lockwait|fork|pid|ticks|grouped|bank|wallets N | crash HOW PHASE | scale SHAPE THREADS ITERATIONS | publish ORDERINGS")
    exit(64)
}

switch arguments[1] {
case "counter":
    let counter = TracedVar(0, name: "counter")
    let threads = (0..<count).map { index in
        TracedThread.spawn(name: "incrementer \(index)") { counter[] += 1 }
    }
    for thread in threads { thread.join() }
    print("counter: \(counter[])")
case "flood":
    let lock = TracedLock(name: "flood")
    for _ in 0..<(count / 2) {
        lock.lock()
        lock.unlock()
    }
    print("flooded: \(count) events, still running")
case "deadlock":
    let locks = (0..<max(count, 2)).map { TracedLock(name: "lock\($0)") }
    let threads = locks.indices.map { index in
        TracedThread.spawn(name: "philosopher \(index)") {
            locks[index].lock()
            // Long enough for every thread to take its first lock before any asks for its second.
            usleep(200_000)
            locks[(index + 1) % locks.count].lock()
            print("philosopher \(index) ate: no deadlock after all")
        }
    }
    print("started \(threads.count) philosophers")
    for thread in threads { thread.join() }
case "inversion":
    let accounts = TracedLock(name: "accounts")
    let ledger = TracedLock(name: "ledger")
    let transfer = TracedThread.spawn(name: "transfer") { accounts.withLock { ledger.withLock {} } }
    if count != 0 { transfer.join() }
    let audit = TracedThread.spawn(name: "audit") {
        // Late enough that the schedule happens not to deadlock; nothing but the locks orders it.
        if count == 0 { usleep(50_000) }
        ledger.withLock { accounts.withLock {} }
    }
    transfer.join()
    audit.join()
    print("inversion done")
case "lockwait":
    let lock = TracedLock(name: "slow")
    let held = TracedAtomic(0, name: "held")
    let holder = TracedThread.spawn(name: "holder") {
        lock.lock()
        held.store(1)
        usleep(UInt32(count) * 1000)
        lock.unlock()
    }
    while held.load() == 0 { usleep(1_000) }
    lock.withLock {}
    holder.join()
    print("lock wait done")
case "fork":
    ForkProbe.run(iterations: count)
case "grouped":
    FindingsProbe.grouped(count)
case "bank":
    FindingsProbe.bank(count)
case "wallets":
    FindingsProbe.wallets()
case "pid":
    say("pid \(getpid())")
    let lock = TracedLock(name: "pid lock")
    let end = DispatchTime.now().uptimeNanoseconds + UInt64(count) * 1_000_000
    while DispatchTime.now().uptimeNanoseconds < end { lock.withLock {} }
    print("pid done")
case "ticks":
    let lock = TracedLock(name: "tick")
    func spin(microseconds: UInt64) {
        let end = DispatchTime.now().uptimeNanoseconds + microseconds * 1000
        while DispatchTime.now().uptimeNanoseconds < end {}
    }
    for _ in 0..<count {
        lock.withLock {}
        spin(microseconds: 200)
    }
    spin(microseconds: 20_000)
    lock.withLock {}
    print("ticks done")
default:
    print("unknown mode \(arguments[1])")
    exit(64)
}
