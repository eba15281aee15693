// The plain twin of `RecorderProbe scale locked THREADS ITERATIONS`: THREADS threads each add 1 to a
// shared counter ITERATIONS times under one pthread mutex (what NSLock is), with no SyncTrace at all.
// Scripts/compare-tsan.sh builds it twice, plain and with ThreadSanitizer, to set the recorder's
// whole-program cost beside TSan's.
//
//   swiftc -O locked-counter.swift -o locked-counter && ./locked-counter 8 1000000

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class Shared: @unchecked Sendable {
    // Safe to share: `counter` is only touched with `mutex` held.
    let mutex: UnsafeMutablePointer<pthread_mutex_t> = .allocate(capacity: 1)
    // Unchecked, as `TracedVar`'s storage is: a runtime exclusivity check per access would slow the
    // plain twin down and flatter every ratio to it.
    @exclusivity(unchecked) var counter = 0

    init() { pthread_mutex_init(self.mutex, nil) }
}

final class Work {
    let shared: Shared
    let iterations: Int

    init(_ shared: Shared, _ iterations: Int) {
        self.shared = shared
        self.iterations = iterations
    }
}

func main() {
    let arguments = CommandLine.arguments
    guard arguments.count == 3, let threads = Int(arguments[1]), let iterations = Int(arguments[2]), threads > 0 else {
        print("usage: locked-counter THREADS ITERATIONS")
        exit(64)
    }
    let shared = Shared()
    var handles: [pthread_t] = []
    for _ in 0..<threads {
        var handle = pthread_t()
        let work = Unmanaged.passRetained(Work(shared, iterations)).toOpaque()
        let status = pthread_create(&handle, nil, { argument in
            let work = Unmanaged<Work>.fromOpaque(argument!).takeRetainedValue()
            for _ in 0..<work.iterations {
                pthread_mutex_lock(work.shared.mutex)
                work.shared.counter += 1
                pthread_mutex_unlock(work.shared.mutex)
            }
            return nil
        }, work)
        guard status == 0 else {
            print("cannot start a thread")
            exit(1)
        }
        handles.append(handle)
    }
    for handle in handles { pthread_join(handle, nil) }
    print("counter: \(shared.counter)")
}

main()
