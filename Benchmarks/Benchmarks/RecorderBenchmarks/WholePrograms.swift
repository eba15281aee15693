import Benchmark
import DeadlockDetector
import Foundation
import LostUpdateCounter
import RaceDetector
import SyncTrace
import SyncTraceReplay

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Whole programs that synchronize constantly, each with a plain twin: the same threads and loop on a
// pthread mutex (what `NSLock` is) and a plain class property. A plain twin and its traced versions
// run back to back in one process, so their ratio is what to compare. A recording iteration
// includes `stop()`: it ends only when every event is encoded, compressed and on disk.

/// A pthread mutex on the heap: the plain twin of `TracedLock`.
final class PlainLock: @unchecked Sendable {
    // Safe to share: the mutex is only touched through pthread calls.
    let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        self.mutex = .allocate(capacity: 1)
        pthread_mutex_init(self.mutex, nil)
    }

    @inline(__always) func lock() { pthread_mutex_lock(self.mutex) }
    @inline(__always) func unlock() { pthread_mutex_unlock(self.mutex) }
}

/// Runs `body(index)` on `count` plain pthreads and waits for all of them: the plain twin of
/// `TracedThread.spawn` and `join`.
func runPlainThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    final class Work: @unchecked Sendable {
        let body: @Sendable (Int) -> Void
        let index: Int
        init(_ body: @escaping @Sendable (Int) -> Void, _ index: Int) {
            self.body = body
            self.index = index
        }
    }
    var threads: [pthread_t] = []
    threads.reserveCapacity(count)
    for index in 0..<count {
        var thread = pthread_t()
        let work = Unmanaged.passRetained(Work(body, index)).toOpaque()
        let status = pthread_create(&thread, nil, { argument in
            let work = Unmanaged<Work>.fromOpaque(argument!).takeRetainedValue()
            work.body(work.index)
            return nil
        }, work)
        precondition(status == 0, "cannot start a thread")
        threads.append(thread)
    }
    for thread in threads { pthread_join(thread, nil) }
}

/// Runs `body(index)` on `count` traced threads and waits for all of them.
func runTracedThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let threads = (0..<count).map { index in TracedThread.spawn(name: "worker \(index)") { body(index) } }
    for thread in threads { thread.join() }
}

/// One whole-program workload: its plain twin and its traced version.
struct WholeProgram: Sendable {
    var name: String
    var plain: @Sendable () -> Void
    /// The same program on traced primitives.
    var traced: @Sendable () -> Void
}

/// `threads` threads × `iterations` × `lock(); counter += 1; unlock()` on one lock.
func lockedIncrements(name: String, threads: Int, iterations: Int) -> WholeProgram {
    WholeProgram(
        name: name,
        plain: {
            let lock = PlainLock()
            let counter = PlainBox()
            runPlainThreads(threads) { _ in
                for _ in 0..<iterations {
                    lock.lock()
                    counter.value += 1
                    lock.unlock()
                }
            }
            precondition(counter.value == threads * iterations)
        },
        traced: {
            let lock = TracedLock(name: "counter lock")
            let counter = TracedVar(0, name: "counter")
            runTracedThreads(threads) { _ in
                for _ in 0..<iterations {
                    lock.lock()
                    counter[] += 1
                    lock.unlock()
                }
            }
            precondition(counter.read() == threads * iterations)
        }
    )
}

let lockedCounter = lockedIncrements(name: "8 threads × 1M locked increments", threads: 8, iterations: 1_000_000)
let manyThreads = lockedIncrements(name: "1,000 threads × 1,000 locked increments", threads: 1_000, iterations: 1_000)

/// 2 threads × 2M lock/unlock of one lock, nothing inside: all contention.
let contendedPairs = WholeProgram(
    name: "2 threads × 2M contended lock/unlock",
    plain: {
        let lock = PlainLock()
        runPlainThreads(2) { _ in
            for _ in 0..<2_000_000 {
                lock.lock()
                lock.unlock()
            }
        }
    },
    traced: {
        let lock = TracedLock(name: "contended")
        runTracedThreads(2) { _ in
            for _ in 0..<2_000_000 {
                lock.lock()
                lock.unlock()
            }
        }
    }
)

/// Where the whole-program recordings go.
let wholeProgramTracePath = FileManager.default.temporaryDirectory
    .appendingPathComponent("recorder-whole-program.synctrace").path

func wholeProgramConfiguration() -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .peakMemoryResident],
        timeUnits: .milliseconds,
        scalingFactor: .one,
        maxDuration: .seconds(30),
        maxIterations: 10
    )
}

/// Registers, for each whole program, its plain twin, the traced program with no recorder, the
/// traced program recording (incl. `stop()`), and for the first program, record + analyze with every
/// built-in plugin (what a CI job would run, to set against ThreadSanitizer's run of the plain twin).
func wholeProgramBenchmarks() {
    for program in [lockedCounter, manyThreads, contendedPairs] {
        Benchmark("Whole program: \(program.name), plain", configuration: wholeProgramConfiguration()) { _ in
            program.plain()
        }
        Benchmark("Whole program: \(program.name), traced, not recording", configuration: wholeProgramConfiguration()) { _ in
            program.traced()
        }
        Benchmark("Whole program: \(program.name), recording", configuration: wholeProgramConfiguration()) { _ in
            recordWholeProgram(program)
            try? FileManager.default.removeItem(atPath: wholeProgramTracePath)
        }
    }
    Benchmark("Whole program: \(lockedCounter.name), record + analyze (all plugins)", configuration: wholeProgramConfiguration()) { _ in
        recordWholeProgram(lockedCounter)
        do {
            let report = try TraceAnalysis.run(
                path: wholeProgramTracePath,
                plugins: [RaceDetector(), DeadlockDetector(), LostUpdateCounter()]
            )
            precondition(report.findings.isEmpty, "the locked counter has no bug to find")
        } catch {
            fatalError("cannot analyze the recording: \(error)")
        }
        try? FileManager.default.removeItem(atPath: wholeProgramTracePath)
    }
}

/// Records one run of `program` to ``wholeProgramTracePath`` and checks that nothing was lost.
func recordWholeProgram(_ program: WholeProgram) {
    do {
        try TraceRecorder.start(path: wholeProgramTracePath, options: withEnvironmentStackDepth(TraceRecorderOptions()))
    } catch {
        fatalError("cannot start recording: \(error)")
    }
    program.traced()
    guard let summary = TraceRecorder.stop(), summary.droppedEventCount == 0, summary.error == nil else {
        fatalError("the recording lost events")
    }
    blackHole(summary.eventCount)
}
