import SyncTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a line to stdout at once (unbuffered: the process may die right after).
func say(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { bytes in _ = write(1, bytes.baseAddress, bytes.count) }
}

/// A correctly locked program that dies in a chosen way, after saying how many events of each
/// operation it recorded: the crash tests compare that with the trace.
enum CrashProbe {
    static let workers = 4
    static let iterations = 5_000

    /// How the probe dies.
    static func die(_ how: String) -> Never {
        switch how {
        case "fatalError": fatalError("the probe's fatalError")
        case "forceUnwrap":
            let none = Int("not a number")
            say("unwrapped \(none!)")
        case "nullWrite": UnsafeMutablePointer<Int>(bitPattern: 16)!.pointee = 1
        case "segv": raise(SIGSEGV)
        case "bus": raise(SIGBUS)
        case "ill": raise(SIGILL)
        case "trap": raise(SIGTRAP)
        case "fpe": raise(SIGFPE)
        case "abort": abort()
        case "term": kill(getpid(), SIGTERM)
        case "int": kill(getpid(), SIGINT)
        case "kill":
            // SIGKILL after a quiet spell: no handler runs, what reached the file is all there is.
            usleep(300_000)
            kill(getpid(), SIGKILL)
        case "exit": exit(3)
        case "termHandled":
            // The app's own SIGTERM handler (installed before recording started) runs after the
            // recorder's has put everything on disk, and ends the process its own way.
            kill(getpid(), SIGTERM)
        default:
            say("unknown way to die: \(how)")
            exit(64)
        }
        // A handler that returns (Swift's backtracer does, for a raised SIGSEGV) leaves the process
        // running; a signal sent to the process may take a moment to arrive.
        usleep(500_000)
        say("survived")
        _exit(70)
    }

    static func run(how: String, phase: String) -> Never {
        if how == "termHandled" {
            // Before the first traced object, which starts the recording and installs its handlers.
            signal(SIGTERM) { _ in
                let text = "app handler\n"
                _ = text.withCString { write(1, $0, strlen($0)) }
                _exit(5)
            }
        }
        let lock = TracedLock(name: "m")
        let gate = TracedLock(name: "gate")
        let value = TracedVar(0, name: "v")
        let ready = TracedAtomic(0, name: "ready")
        let alive = phase == "alive"
        let forever = phase == "run"
        if alive { gate.lock() }
        let threads = (0..<Self.workers).map { index in
            TracedThread.spawn(name: "worker \(index)") {
                var done = 0
                while forever || done < Self.iterations {
                    lock.withLock { value[] += 1 }
                    done += 1
                }
                if alive {
                    _ = ready.wrappingAdd(1)
                    // Blocks for good: main holds the gate and dies holding it.
                    gate.lock()
                    gate.unlock()
                }
            }
        }
        let sections = Self.workers * Self.iterations
        if forever {
            say("running")
            while true { sleep(1) }
        }
        if alive {
            while ready.load() < Self.workers { usleep(1000) }
            // Long enough for every worker to be blocked in gate.lock(), its `req` recorded.
            usleep(50_000)
            // main: gate's acq, the loads of `ready` (counted below), the workers' four adds.
            say("recorded acq=\(sections + 1) rel=\(sections) r=\(sections) w=\(sections) fork=\(Self.workers) join=0 req(gate)=\(Self.workers)")
        } else {
            for thread in threads { thread.join() }
            say("recorded acq=\(sections) rel=\(sections) r=\(sections) w=\(sections) fork=\(Self.workers) join=\(Self.workers)")
        }
        Self.die(how)
    }
}
