#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Produces items on a thread of its own, at most `capacity` items ahead of the thread that takes
/// them: the replay reads, decodes and orders the next batches of a trace on one core while its
/// plugins analyse the current one on the other.
///
/// `produce` is called on the producing thread only, one call after another, until it says its item
/// is the last; ``next()`` hands the items out in the order they were produced, waiting for the next
/// one when the producer is behind, and `nil` once the last has been taken. Everything `produce`
/// touches must be touched by nothing else until the last item has been taken (or this object is
/// gone): the hand-over of each item, under one lock, is what orders the producer's writes before
/// the consumer's reads. When no thread can be started, ``next()`` calls `produce` itself.
///
/// Dropping the object before the last item stops the producer after its current call, and waits
/// for it.
///
/// ```swift
/// var remaining = 3
/// let ahead = ReadAheadThread<Int>(capacity: 2) {
///     remaining -= 1
///     return (remaining, remaining == 0)
/// }
/// while let item = ahead.next() { print(item) }  // 2, 1, 0
/// ```
final class ReadAheadThread<Item> {
    /// What the two threads share, under its lock; the producing thread holds it (not the owner, so
    /// that dropping the owner early can stop the producer).
    private let shared: Shared
    private let thread: pthread_t?
    private var takenLast = false

    /// Starts producing at once (on the calling thread, in ``next()``, if no thread can be started).
    init(capacity: Int, produce: @escaping () -> (item: Item, isLast: Bool)) {
        precondition(capacity >= 1, "ReadAheadThread needs room for one item")
        let shared = Shared(capacity: capacity, produce: produce)
        self.shared = shared
        self.thread = startThread(running: shared)
    }

    deinit {
        guard let thread = self.thread else { return }
        self.shared.cancel()
        pthread_join(thread, nil)
    }

    /// The next item, in the order produced, waiting for it if need be; `nil` once the last item
    /// has been taken.
    func next() -> Item? {
        guard !self.takenLast else { return nil }
        guard self.thread != nil else {
            let (item, isLast) = self.shared.produce()
            self.takenLast = isLast
            return item
        }
        let (item, isLast) = self.shared.take()
        self.takenLast = isLast
        return item
    }

    /// The state of one read-ahead, shared by its two threads.
    private final class Shared: ReadAheadProducer, @unchecked Sendable {
        // @unchecked: the variables are read and written under `lock` only; `produce` is called by one
        // thread at a time (the producer's, or the consumer's when there is none).
        let capacity: Int
        let produce: () -> (item: Item, isLast: Bool)
        private let lock: UnsafeMutablePointer<pthread_mutex_t>
        /// Signalled when an item is added or taken, and at cancellation.
        private let changed: UnsafeMutablePointer<pthread_cond_t>
        /// The items made and not taken: a ring of `capacity` slots from `first`, each emptied when
        /// its item is taken (so that nothing here keeps an item the consumer has).
        private var slots: [Item?]
        private var first = 0
        private var count = 0
        private var producedLast = false
        private var cancelled = false
        /// Whether the other side sleeps on ``changed``: a hand-over wakes it only then (a wake-up is
        /// a system call; most hand-overs find the other side busy).
        private var consumerWaiting = false
        private var producerWaiting = false

        init(capacity: Int, produce: @escaping () -> (item: Item, isLast: Bool)) {
            self.capacity = capacity
            self.produce = produce
            self.slots = Array(repeating: nil, count: capacity)
            self.lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
            self.lock.initialize(to: pthread_mutex_t())
            pthread_mutex_init(self.lock, nil)
            self.changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
            self.changed.initialize(to: pthread_cond_t())
            pthread_cond_init(self.changed, nil)
        }

        deinit {
            pthread_cond_destroy(self.changed)
            self.changed.deinitialize(count: 1)
            self.changed.deallocate()
            pthread_mutex_destroy(self.lock)
            self.lock.deinitialize(count: 1)
            self.lock.deallocate()
        }

        /// Takes the next item, waiting for the producer; whether it is the last.
        func take() -> (item: Item, isLast: Bool) {
            pthread_mutex_lock(self.lock)
            while self.count == 0 {
                self.consumerWaiting = true
                pthread_cond_wait(self.changed, self.lock)
                self.consumerWaiting = false
            }
            let item = self.slots[self.first].take()!
            self.first = (self.first + 1) % self.capacity
            self.count -= 1
            let isLast = self.count == 0 && self.producedLast
            // A waiting producer is woken once half the room is free, not at every item: it then makes
            // several items per wake-up instead of one, at a system call and a thread switch each.
            if self.producerWaiting && self.count <= self.capacity / 2 { pthread_cond_broadcast(self.changed) }
            pthread_mutex_unlock(self.lock)
            return (item, isLast)
        }

        /// Stops the producer at its next item.
        func cancel() {
            pthread_mutex_lock(self.lock)
            self.cancelled = true
            pthread_cond_broadcast(self.changed)
            pthread_mutex_unlock(self.lock)
        }

        /// The producer's loop: an item at a time while there is room, until the last or cancellation.
        func runProducer() {
            while true {
                pthread_mutex_lock(self.lock)
                while self.count == self.capacity && !self.cancelled {
                    self.producerWaiting = true
                    pthread_cond_wait(self.changed, self.lock)
                    self.producerWaiting = false
                }
                let stop = self.cancelled
                pthread_mutex_unlock(self.lock)
                if stop { return }
                let (item, isLast) = self.produce()
                pthread_mutex_lock(self.lock)
                self.slots[(self.first + self.count) % self.capacity] = item
                self.count += 1
                self.producedLast = isLast
                if self.consumerWaiting { pthread_cond_broadcast(self.changed) }
                pthread_mutex_unlock(self.lock)
                if isLast { return }
            }
        }
    }
}

/// What the producing thread runs: a ``ReadAheadThread``'s loop, whatever its item type.
private protocol ReadAheadProducer: AnyObject {
    func runProducer()
}

/// Starts a thread running `producer`'s loop, which it holds until the loop returns; `nil` when the
/// system refuses a thread.
private func startThread(running producer: any ReadAheadProducer) -> pthread_t? {
    // Through a non-generic protocol: a C function cannot refer to a generic type.
    let context = Unmanaged.passRetained(producer as AnyObject).toOpaque()
    #if canImport(Glibc)
    var thread = pthread_t()
    let status = pthread_create(&thread, nil, { context in
        let producer = Unmanaged<AnyObject>.fromOpaque(context!).takeRetainedValue() as! any ReadAheadProducer
        producer.runProducer()
        return nil
    }, context)
    #elseif canImport(Darwin)
    var thread: pthread_t?
    let status = pthread_create(&thread, nil, { context in
        let producer = Unmanaged<AnyObject>.fromOpaque(context).takeRetainedValue() as! any ReadAheadProducer
        producer.runProducer()
        return nil
    }, context)
    #endif
    guard status == 0 else {
        Unmanaged<AnyObject>.fromOpaque(context).release()
        return nil
    }
    return thread
}
