import Foundation
import SyncTrace
import SyncTraceFormat
import Testing

extension RecorderTests {
    @Suite("Semaphores and conditions")
    struct WaitingPrimitivesTests {
        @Test("a semaphore wait returns once a permit is signalled; a timed wait gives up")
        func semaphore() {
            let semaphore = TracedSemaphore(value: 1)
            semaphore.wait()
            #expect(!semaphore.wait(timeoutNanoseconds: 20_000_000))
            let passed = TracedAtomic(false)
            let waiter = TracedThread.spawn {
                semaphore.wait()
                passed.store(true)
            }
            usleep(20_000)
            #expect(!passed.load())
            semaphore.signal()
            #expect(eventually { passed.load() })
            waiter.join()
        }

        @Test("a condition's signal wakes one waiter, broadcast wakes them all")
        func condition() {
            let condition = TracedCondition()
            let tickets = TracedVar(0)
            let woken = TracedAtomic(0)
            let waiters = (0..<3).map { _ in
                TracedThread.spawn {
                    condition.withLock {
                        while tickets.value == 0 { condition.wait() }
                        tickets.value -= 1
                    }
                    woken.wrappingAdd(1)
                }
            }
            usleep(20_000)
            condition.withLock {
                tickets.value = 1
                condition.signal()
            }
            #expect(eventually { woken.load() == 1 })
            usleep(20_000)
            #expect(woken.load() == 1)
            condition.withLock {
                tickets.value = 2
                condition.broadcast()
            }
            #expect(eventually { woken.load() == 3 })
            for waiter in waiters { waiter.join() }
            condition.lock()
            #expect(!condition.wait(timeoutNanoseconds: 10_000_000))
            condition.unlock()
        }

        @Test("a condition wait records rel, req, cwait, acq; the signal is numbered before the wake-up")
        func recordedConditionWait() throws {
            let trace = try RecordedTrace.record {
                let condition = TracedCondition(name: "ready")
                let flag = TracedVar(false, name: "flag")
                let waiter = TracedThread.spawn(name: "waiter") {
                    condition.withLock { while !flag.value { condition.wait() } }
                }
                while true {
                    // Signal only once the waiter is waiting, so the wait is certain to happen.
                    usleep(5_000)
                    let signalled = condition.withLock { () -> Bool in
                        flag.value = true
                        condition.signal()
                        return true
                    }
                    if signalled { break }
                }
                waiter.join()
            }
            let waiter = try trace.thread("waiter")
            let lock = try trace.object("ready.lock")
            let condition = try trace.object("ready")
            let operations = trace.events(of: waiter)
                .filter { $0.operation.hasObject && ($0.object == lock || $0.object == condition) }
                .map(\.operation)
            if operations.contains(.conditionWait) {
                #expect(operations.prefix(5) == [.acquire, .release, .request, .conditionWait, .acquire])
                let signal = try #require(trace.events(on: condition).first { $0.operation == .conditionSignal })
                let wake = try #require(trace.events(on: condition).first { $0.operation == .conditionWait })
                #expect(signal.sequence < wake.sequence)
            } else {
                // The waiter found the flag set before it ever waited.
                #expect(operations == [.acquire, .release])
            }
        }

        @Test("a semaphore's signal is numbered before the wait it lets return")
        func recordedSemaphore() throws {
            let trace = try RecordedTrace.record {
                let semaphore = TracedSemaphore(name: "permits")
                let waiter = TracedThread.spawn(name: "waiter") { semaphore.wait() }
                usleep(10_000)
                semaphore.signal()
                waiter.join()
            }
            let events = trace.events(on: try trace.object("permits"))
            let signal = try #require(events.first { $0.operation == .semaphoreSignal })
            let wait = try #require(events.first { $0.operation == .semaphoreWait })
            #expect(signal.sequence < wait.sequence)
            #expect(wait.thread == (try trace.thread("waiter")))
        }

        @Test("blocking operations record req before they wait, so a hung trace shows the waits")
        func requests() throws {
            let trace = try RecordedTrace.record {
                let channel = TracedChannel<Int>(name: "jobs")
                let group = TracedWaitGroup(name: "group")
                group.add(1)
                let receiver = TracedThread.spawn(name: "receiver") { _ = channel.receive() }
                let waiter = TracedThread.spawn(name: "waiter") { group.wait() }
                usleep(20_000)
                channel.send(1)
                group.done()
                receiver.join()
                waiter.join()
            }
            let receiver = trace.events(of: try trace.thread("receiver")).map(\.operation)
            #expect(receiver == [.request, .receive])
            let waiter = trace.events(of: try trace.thread("waiter")).map(\.operation)
            #expect(waiter == [.request, .waitGroupWait])
        }
    }
}
