import Synchronization
import SyncTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A payload published behind a flag, as a program written against `Synchronization.Atomic` does it:
/// main writes the payload, then sets the flag; a consumer waits for the flag, then reads the
/// payload. With relaxed operations on the flag nothing orders the write before the read, a data
/// race on the payload that Swift's memory model (and ThreadSanitizer) reports every run; with a
/// releasing store and an acquiring load (or the sequentially consistent defaults) there is none.
enum PublishProbe {
    static func run(orderings: String) {
        let payload = TracedVar(0, name: "payload")
        let ready = TracedAtomic(false, name: "ready")
        let load: @Sendable () -> Bool
        let store: @Sendable () -> Void
        switch orderings {
        case "relaxed":
            load = { ready.load(ordering: .relaxed) }
            store = { ready.store(true, ordering: .relaxed) }
        case "acquire-release":
            load = { ready.load(ordering: .acquiring) }
            store = { ready.store(true, ordering: .releasing) }
        case "relaxed-load":
            load = { ready.load(ordering: .relaxed) }
            store = { ready.store(true, ordering: .releasing) }
        case "exchange":
            // A read-modify-write on each side: the consumer's acquiring exchange reads the release.
            load = { ready.compareExchange(expected: true, desired: true, ordering: .acquiringAndReleasing).exchanged }
            store = { ready.exchange(true, ordering: .releasing) }
        case "default":
            load = { ready.load() }
            store = { ready.store(true) }
        default:
            print("unknown orderings \(orderings) (relaxed, acquire-release, relaxed-load, exchange, default)")
            exit(64)
        }
        let consumer = TracedThread.spawn(name: "consumer") {
            while !load() { usleep(100) }
            print("payload \(payload[])")
        }
        payload[] = 42
        store()
        consumer.join()
    }
}
