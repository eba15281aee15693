import Foundation
import Synchronization
import SyncTrace
import SyncTraceFormat
import Testing

/// Waits up to five seconds for `condition`, polling; false when it never held.
func eventually(_ condition: () -> Bool) -> Bool {
    for _ in 0..<5000 {
        if condition() { return true }
        usleep(1000)
    }
    return condition()
}

extension RecorderTests {
    @Suite("The primitives' own semantics")
    struct PrimitiveSemanticsTests {
        @Test("a buffered channel delivers in FIFO order and blocks a send only when full")
        func bufferedChannel() {
            let channel = TracedChannel<Int>(capacity: 3)
            let sent = TracedAtomic<Int>(0)
            let sender = TracedThread.spawn {
                for value in 0..<4 {
                    channel.send(value)
                    sent.wrappingAdd(1)
                }
            }
            #expect(eventually { sent.load() == 3 })
            usleep(20_000)
            #expect(sent.load() == 3, "the fourth send must wait while the channel is full")
            #expect(channel.receive() == 0)
            #expect(eventually { sent.load() == 4 })
            #expect([channel.receive(), channel.receive(), channel.receive()] == [1, 2, 3])
            sender.join()
        }

        @Test("a rendezvous send waits until a receiver takes the value")
        func rendezvous() {
            let channel = TracedChannel<String>()
            let delivered = TracedAtomic<Bool>(false)
            let sender = TracedThread.spawn {
                channel.send("hello")
                delivered.store(true)
            }
            usleep(20_000)
            #expect(!delivered.load())
            #expect(channel.receive() == "hello")
            #expect(eventually { delivered.load() })
            sender.join()
        }

        @Test("close lets receivers drain what is buffered, then receive nil; for-in ends")
        func closeAndDrain() {
            let channel = TracedChannel<Int>(capacity: 4)
            channel.send(1)
            channel.send(2)
            channel.close()
            #expect(Array(channel) == [1, 2])
            #expect(channel.receive() == nil)
        }

        @Test("close wakes a receiver blocked on an empty channel")
        func closeWakesReceiver() {
            let channel = TracedChannel<Int>()
            let result = Mutex<Int??>(nil)
            let receiver = TracedThread.spawn { let value = channel.receive(); result.withLock { $0 = .some(value) } }
            usleep(10_000)
            channel.close()
            receiver.join()
            #expect(result.withLock { $0 } == .some(nil))
        }

        @Test("select performs a ready case, runs the default when none is, and waits for one otherwise")
        func select() {
            let ready = TracedChannel<Int>(capacity: 1)
            let empty = TracedChannel<Int>(capacity: 1)
            ready.send(7)
            var received: [Int?] = []
            TracedSelect.run { select in
                select.receive(from: empty) { received.append($0) }
                select.receive(from: ready) { received.append($0) }
            }
            #expect(received == [7])

            var tookDefault = false
            TracedSelect.run { select in
                select.receive(from: empty) { received.append($0) }
                select.onDefault { tookDefault = true }
            }
            #expect(tookDefault)

            let late = TracedChannel<Int>()
            let sender = TracedThread.spawn {
                usleep(20_000)
                late.send(9)
            }
            TracedSelect.run { select in
                select.receive(from: empty) { received.append($0) }
                select.receive(from: late) { received.append($0) }
            }
            #expect(received == [7, 9])
            sender.join()

            // A send case on a full channel is not ready; on a channel with room it is.
            let full = TracedChannel<Int>(capacity: 1)
            full.send(0)
            var sentTo = ""
            TracedSelect.run { select in
                select.send(1, to: full) { sentTo = "full" }
                select.send(2, to: empty) { sentTo = "empty" }
            }
            #expect(sentTo == "empty")
            #expect(empty.receive() == 2)
        }

        @Test("select chooses among ready cases at random")
        func selectIsFair() {
            let first = TracedChannel<Int>(capacity: 200)
            let second = TracedChannel<Int>(capacity: 200)
            for value in 0..<200 {
                first.send(value)
                second.send(value)
            }
            var counts = [0, 0]
            for _ in 0..<200 {
                TracedSelect.run { select in
                    select.receive(from: first) { _ in counts[0] += 1 }
                    select.receive(from: second) { _ in counts[1] += 1 }
                }
            }
            #expect(counts[0] > 50 && counts[1] > 50)
        }

        @Test("a select send on a rendezvous channel pairs with a blocked receiver")
        func selectRendezvousSend() {
            let channel = TracedChannel<Int>()
            let got = Mutex<Int?>(nil)
            let receiver = TracedThread.spawn { let value = channel.receive(); got.withLock { $0 = value } }
            var sent = false
            TracedSelect.run { select in
                select.send(5, to: channel) { sent = true }
            }
            receiver.join()
            #expect(sent)
            #expect(got.withLock { $0 } == 5)
        }

        @Test("a wait group's wait returns once every done has happened")
        func waitGroup() {
            let group = TracedWaitGroup()
            let finished = TracedAtomic<Int>(0)
            group.add(4)
            let threads = (0..<4).map { _ in
                TracedThread.spawn {
                    usleep(5_000)
                    finished.wrappingAdd(1)
                    group.done()
                }
            }
            group.wait()
            #expect(finished.load() == 4)
            group.wait()  // a wait on a zero counter returns at once
            for thread in threads { thread.join() }
        }

        @Test("rwlock readers hold the lock together; a writer excludes them")
        func rwLock() {
            let lock = TracedRWLock()
            let readersInside = TracedAtomic<Int>(0)
            let bothInside = TracedAtomic<Bool>(false)
            let readers = (0..<2).map { _ in
                TracedThread.spawn {
                    lock.withReadLock {
                        readersInside.wrappingAdd(1)
                        // Each reader waits, holding the read lock, until the other is inside too.
                        if eventually({ readersInside.load() == 2 }) { bothInside.store(true) }
                    }
                }
            }
            for reader in readers { reader.join() }
            #expect(bothInside.load())

            let writerInside = TracedAtomic<Bool>(false)
            lock.writeLock()
            let reader = TracedThread.spawn { lock.withReadLock { writerInside.store(false) } }
            writerInside.store(true)
            usleep(20_000)
            #expect(writerInside.load(), "a reader got in while the writer held the lock")
            lock.writeUnlock()
            reader.join()
            #expect(!writerInside.load())
        }

        @Test("atomics: compare-exchange, exchange and wrapping arithmetic on narrow types")
        func atomics() {
            let small = TracedAtomic<Int8>(127)
            #expect(small.wrappingAdd(1) == (127, -128))
            #expect(small.compareExchange(expected: -128, desired: 5) == (true, -128))
            #expect(small.compareExchange(expected: -128, desired: 6) == (false, 5))
            #expect(small.exchange(9) == 5)
            let flag = TracedAtomic(false)
            flag.store(true)
            #expect(flag.load())
            let counter = TracedAtomic<UInt8>(255)
            #expect(counter.wrappingAdd(1).newValue == 0)
            #expect(counter.compareExchange(expected: 0, desired: 1).exchanged)
        }

        @Test("TracedLock and TracedMutex exclude each other's critical sections")
        func mutualExclusion() {
            let lock = TracedLock()
            let mutex = TracedMutex(0)
            let plain = TracedVar(0)
            let threads = (0..<4).map { _ in
                TracedThread.spawn {
                    for _ in 0..<2000 {
                        lock.withLock { plain.value += 1 }
                        mutex.withLock { $0 += 1 }
                    }
                }
            }
            for thread in threads { thread.join() }
            #expect(plain.value == 8000)
            #expect(mutex.withLock { $0 } == 8000)
        }
    }
}
