import SyncTrace

/// A serial queue protects a counter: 100 items increment it, `sync` reads it. No race.
func serialQueue() async {
    let queue = TracedDispatchQueue(label: "counter")
    let counter = TracedVar(0, name: "counter")
    for _ in 0..<100 {
        queue.async { counter[] += 1 }
    }
    print("counter after 100 items on a serial queue: \(queue.sync { counter[] })")
}

/// A concurrent queue without a barrier: two items write the same cache entry. A race; writing with
/// `flags: .barrier` would fix it.
func concurrentQueue() async {
    let queue = TracedDispatchQueue(label: "cache", attributes: .concurrent)
    let cache = TracedVar([String: Int](), name: "cache")
    let group = TracedDispatchGroup(name: "fills")
    queue.async(group: group) { cache[] = ["a": 1] }
    queue.async(group: group) { cache[] = ["b": 2] }
    group.wait()
    print("cache after two unsynchronized fills: \(cache[].keys.sorted())")
}
