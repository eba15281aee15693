import SyncTrace

/// A buffered channel of capacity 1 used as a lock: send to enter, receive to leave. Only one thread
/// can be inside at a time, and Go's rule (the k-th receive happens before the (k+1)-th send
/// completes) orders each increment after the previous one: no race, no lost update.
func channelAsMutex() {
    let counter = TracedVar(0, name: "counter")
    let lock = TracedChannel<Void>(capacity: 1, name: "lock")
    let threads = (0..<4).map { index in
        TracedThread.spawn(name: "incrementer \(index)") {
            lock.send(())  // enter
            counter[] += 1
            _ = lock.receive()  // leave
        }
    }
    for thread in threads { thread.join() }
    print("counter: \(counter[]) (4 increments, a channel of capacity 1 as the lock)")
}

/// The same with capacity 2: a semaphore that lets two threads in at once. Two increments can run
/// together, so they race (and may lose an update).
func channelAsSemaphore() {
    let counter = TracedVar(0, name: "counter")
    let slots = TracedChannel<Void>(capacity: 2, name: "slots")
    let threads = (0..<4).map { index in
        TracedThread.spawn(name: "incrementer \(index)") {
            slots.send(())  // take one of two slots
            counter[] += 1  // DATA RACE: another thread may hold the other slot
            _ = slots.receive()  // give it back
        }
    }
    for thread in threads { thread.join() }
    print("counter: \(counter[]) (4 increments, a channel of capacity 2 as the lock)")
}
