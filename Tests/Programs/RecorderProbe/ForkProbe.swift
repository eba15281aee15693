import SyncTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `fork()` while recording: the child must neither hang nor touch the parent's trace.
enum ForkProbe {
    static func run(iterations: Int) {
        let lock = TracedLock(name: "shared")
        let value = TracedVar(0, name: "counter")
        let workers = (0..<2).map { index in
            TracedThread.spawn(name: "worker \(index)") {
                for _ in 0..<iterations { lock.withLock { value[] += 1 } }
            }
        }
        var children: [pid_t] = []
        for _ in 0..<3 {
            usleep(2_000)
            let child = fork()
            if child == 0 {
                // The child: traced primitives work (unrecorded), a new object registers, and exit
                // (which stops recording in the parent's process image) returns at once.
                let own = TracedLock(name: "child lock")
                for _ in 0..<1000 { own.withLock { value[] += 1 } }
                say("child \(getpid()) done, recording: \(TraceRecorder.isRecording)")
                exit(0)
            }
            children.append(child)
        }
        for child in children {
            var status: Int32 = 0
            waitpid(child, &status, 0)
            say("child exited with \(status)")
        }
        for worker in workers { worker.join() }
        say("parent done: \(value[])")
    }
}
