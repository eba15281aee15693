import Dispatch
import DeadlockDetector
import Foundation
import LostUpdateCounter
import RaceDetector
import SyncTrace
import SyncTraceFormat
import SyncTraceReplay
import Testing

extension RecorderTests {
    /// Dispatch queues and groups: every work item is a thread of its own in the trace, ordered only
    /// by what Dispatch orders — never by when things happened to run.
    ///
    /// Every program ends by draining its queues (`sync`, or a barrier on a concurrent queue), so that
    /// each item has recorded its last event before the recording stops.
    @Suite("Recorded Dispatch")
    struct RecordedDispatchTests {
        /// Records `body`, reads the trace back, and runs the lost-update counter on it too.
        static func record<Result>(
            _ body: () throws -> Result
        ) throws -> (result: Result, trace: RecordedTrace, lostUpdates: AnalysisReport) {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("dispatch-\(UUID().uuidString).synctrace").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let (result, summary) = try TraceRecorder.record(to: path, body)
            let trace = try RecordedTrace.read(path: path, summary: summary)
            return (result, trace, try TraceAnalysis.run(path: path, plugins: [LostUpdateCounter()]))
        }

        /// The threads with events in `trace` whose name starts with `prefix` (a trace also declares
        /// the threads of earlier recordings).
        static func threads(_ trace: RecordedTrace, named prefix: String) -> [ThreadDeclaration] {
            let active = Set(trace.events.map(\.thread))
            return trace.symbols.threads.filter { $0.name.hasPrefix(prefix) && active.contains($0.id) }
        }

        /// The one thread with events in `trace` whose name starts with `prefix`.
        static func thread(_ trace: RecordedTrace, named prefix: String) throws -> ThreadDeclaration {
            let threads = Self.threads(trace, named: prefix)
            #expect(threads.count == 1, "threads named \(prefix)…: \(threads.map(\.name))")
            return try #require(threads.first)
        }

        @Test("a serial queue protecting a counter: 100 items, no race, no lost update, the value 100")
        func serialQueueCounter() throws {
            let (final, trace, lostUpdates) = try Self.record { () -> Int in
                let queue = TracedDispatchQueue(label: "counter queue")
                let counter = TracedVar(0, name: "counter")
                for _ in 0..<100 { queue.async { counter[] += 1 } }
                return queue.sync { counter[] }
            }
            #expect(final == 100)
            #expect(trace.racyVariables.isEmpty)
            #expect(RecordedLostUpdateTests.lost(lostUpdates, "counter") == 0)
            #expect(lostUpdates.findings.isEmpty)
            // Each item is a thread of its own, started by the submitter, and holds the queue's lock.
            let queue = try trace.object("counter queue")
            // The test's own thread submitted them, then asked for the queue in `sync`.
            let submitter = try #require(trace.events(on: queue).first { $0.operation == .request }).thread
            let items = Self.threads(trace, named: "counter queue item ")
            #expect(items.count == 100)
            #expect(items.allSatisfy { $0.parent == submitter })
            #expect(trace.symbols.objects[queue.index].kind == .lock)
            #expect(trace.events(on: queue).filter { $0.operation == .acquire }.count == 101)
            #expect(trace.dropped == 0)
        }

        @Test("a concurrent queue: plain items writing one variable race; barrier writes and plain reads do not")
        func concurrentQueue() throws {
            let racy = try RecordedTrace.record {
                let pool = TracedDispatchQueue(label: "pool", attributes: .concurrent)
                let shared = TracedVar(0, name: "shared")
                for index in 0..<8 { pool.async { shared[] = index } }
                pool.sync(flags: .barrier) {}
            }
            #expect(racy.racyVariables == ["shared"])
            let pool = try racy.object("pool")
            #expect(racy.symbols.objects[pool.index].kind == .rwLock)
            #expect(racy.events(on: pool).filter { $0.operation == .readAcquire }.count == 8)

            let guarded = try RecordedTrace.record {
                let pool = TracedDispatchQueue(label: "pool", attributes: .concurrent)
                let shared = TracedVar(0, name: "shared")
                for index in 0..<24 {
                    if index % 3 == 0 {
                        pool.async(flags: .barrier) { shared[] = index }
                    } else {
                        pool.async { _ = shared[] }
                    }
                }
                // A plain `sync` reads on the caller's thread, after every earlier barrier.
                #expect(pool.sync { shared[] } == 21)
                pool.sync(flags: .barrier) {}
                #expect(shared[] == 21)
            }
            #expect(guarded.racyVariables.isEmpty)
        }

        @Test("a value written before `async` is ordered before the item; written after it, it races")
        func submissionForks() throws {
            let before = try RecordedTrace.record {
                let queue = TracedDispatchQueue(label: "worker")
                let input = TracedVar(0, name: "input")
                input[] = 1
                queue.async { _ = input[] }
                queue.sync {}
            }
            #expect(before.racyVariables.isEmpty)

            let after = try RecordedTrace.record {
                let queue = TracedDispatchQueue(label: "worker")
                let input = TracedVar(0, name: "input")
                // Untraced: the item's read really comes first, yet nothing the replay sees orders it
                // before the write, so the race is reported whichever way the threads ran.
                let itemRead = DispatchSemaphore(value: 0)
                queue.async {
                    _ = input[]
                    itemRead.signal()
                }
                itemRead.wait()
                input[] = 2
                queue.sync {}
            }
            #expect(after.racyVariables == ["input"])

            // An item that submits another forks it in turn: what it did before is ordered too, and
            // so is what the submitter did before the first item (the forks chain).
            let chained = try RecordedTrace.record {
                let first = TracedDispatchQueue(label: "first")
                let second = TracedDispatchQueue(label: "second")
                let input = TracedVar(0, name: "input")
                let partial = TracedVar(0, name: "partial")
                input[] = 1
                first.async {
                    partial[] = input[] + 1
                    second.async { _ = input[] + partial[] }
                }
                first.sync {}
                second.sync {}
            }
            #expect(chained.racyVariables.isEmpty)
            let second = try Self.thread(chained, named: "second item ")
            #expect(second.parent == (try Self.thread(chained, named: "first item ")).id)
        }

        @Test("a traced task submitting items: they are forked by the task's thread, and its `sync` follows them")
        func itemsFromATask() async throws {
            let trace = try await RecordedTrace.record {
                let queue = TracedDispatchQueue(label: "from task")
                let shared = TracedVar(0, name: "shared")
                let task = TracedTask(name: "submitter") {
                    shared[] = 1
                    for _ in 0..<10 { queue.async { shared[] += 1 } }
                    return queue.sync { shared[] }
                }
                #expect(await task.value == 11)
                #expect(shared[] == 11)
            }
            #expect(trace.racyVariables.isEmpty)
            // The task's thread is the one that asked for the queue in `sync` (found by its events
            // rather than its name, which is the task recording's business).
            let queue = try trace.object("from task")
            let submitter = try #require(trace.events(on: queue).first { $0.operation == .request }).thread
            let items = Self.threads(trace, named: "from task item ")
            #expect(items.count == 10)
            #expect(items.allSatisfy { $0.parent == submitter })
            #expect(trace.events(of: submitter).filter { $0.operation == .fork }.count == 10)
            // The task is declared under its name, however the writer met its events and its join.
            #expect(trace.symbols.threads[submitter.index].name == "submitter")
        }

        @Test("`asyncAfter` forks like `async`: a write before it is ordered, one after it races")
        func asyncAfterForks() throws {
            let trace = try RecordedTrace.record {
                let queue = TracedDispatchQueue(label: "timer")
                let before = TracedVar(0, name: "before")
                let after = TracedVar(0, name: "after")
                let ran = DispatchSemaphore(value: 0)
                before[] = 1
                queue.asyncAfter(deadline: .now() + 0.01) {
                    _ = before[] + after[]
                    ran.signal()
                }
                after[] = 1
                #expect(ran.wait(timeout: .now() + 60) == .success)
                queue.sync {}
            }
            #expect(trace.racyVariables == ["after"])
        }

        @Test("a group's items write separate variables; `wait` orders them before the waiter's reads")
        func groupWait() throws {
            let trace = try RecordedTrace.record {
                let pool = TracedDispatchQueue(label: "loaders", attributes: .concurrent)
                let loads = TracedDispatchGroup(name: "loads")
                let slots = (0..<6).map { TracedVar(0, name: "slot\($0)") }
                for (index, slot) in slots.enumerated() {
                    pool.async(group: loads) { slot[] = index + 1 }
                }
                loads.wait()
                #expect(slots.map { $0[] } == Array(1...6))
                pool.sync(flags: .barrier) {}
            }
            #expect(trace.racyVariables.isEmpty)
            let loads = try trace.object("loads")
            #expect(trace.symbols.objects[loads.index].kind == .waitGroup)
            let operations = trace.events(on: loads).map(\.operation)
            #expect(operations.filter { $0 == .waitGroupAdd }.count == 6)
            #expect(operations.filter { $0 == .waitGroupDone }.count == 6)
            #expect(operations.filter { $0 == .waitGroupWait }.count == 1)
            // The adds are the submitter's (who waits), the dones the items'.
            let submitter = try #require(trace.events(on: loads).first { $0.operation == .waitGroupWait }).thread
            let items = Set(Self.threads(trace, named: "loaders item ").map(\.id))
            #expect(trace.events(on: loads).filter { $0.operation == .waitGroupAdd }.allSatisfy { $0.thread == submitter })
            #expect(Set(trace.events(on: loads).filter { $0.operation == .waitGroupDone }.map(\.thread)) == items)
            #expect(items.count == 6)
        }

        @Test("a group's `notify` block follows every item: it reads their writes without a race")
        func groupNotify() throws {
            let trace = try RecordedTrace.record {
                let pool = TracedDispatchQueue(label: "loaders", attributes: .concurrent)
                let results = TracedDispatchQueue(label: "results")
                let loads = TracedDispatchGroup(name: "loads")
                let slots = (0..<6).map { TracedVar(0, name: "slot\($0)") }
                let total = TracedVar(0, name: "total")
                // Untraced, so that it adds no order of its own: it only says that the block ran.
                let notified = DispatchSemaphore(value: 0)
                for (index, slot) in slots.enumerated() {
                    pool.async(group: loads) { slot[] = index + 1 }
                }
                loads.notify(queue: results) {
                    total[] = slots.reduce(0) { $0 + $1[] }
                    notified.signal()
                }
                #expect(notified.wait(timeout: .now() + 60) == .success)
                // Ordered after the notify block by the results queue's lock.
                #expect(results.sync { total[] } == 21)
                pool.sync(flags: .barrier) {}
            }
            #expect(trace.racyVariables.isEmpty)
            let notify = try Self.thread(trace, named: "results notify ")
            let first = try #require(trace.events(of: notify.id).first { $0.operation != .resume })
            #expect(first.operation == .waitGroupWait)
            #expect(first.object == (try trace.object("loads")))
        }

        @Test("reading a group's results from another item without waiting for the group races; waiting first does not")
        func groupReadBeforeCompletion() throws {
            let names: Set<String> = ["slot0", "slot1", "slot2", "slot3"]
            let unwaited = try RecordedTrace.record {
                let pool = TracedDispatchQueue(label: "loaders", attributes: .concurrent)
                let reader = TracedDispatchQueue(label: "reader")
                let loads = TracedDispatchGroup(name: "loads")
                let slots = (0..<4).map { TracedVar(0, name: "slot\($0)") }
                for (index, slot) in slots.enumerated() {
                    pool.async(group: loads) { slot[] = index + 1 }
                }
                reader.async { _ = slots.map { $0[] } }
                loads.wait()
                reader.sync {}
                pool.sync(flags: .barrier) {}
            }
            #expect(unwaited.racyVariables == names)

            let waited = try RecordedTrace.record {
                let pool = TracedDispatchQueue(label: "loaders", attributes: .concurrent)
                let reader = TracedDispatchQueue(label: "reader")
                let loads = TracedDispatchGroup(name: "loads")
                let slots = (0..<4).map { TracedVar(0, name: "slot\($0)") }
                for (index, slot) in slots.enumerated() {
                    pool.async(group: loads) { slot[] = index + 1 }
                }
                reader.async {
                    loads.wait()
                    _ = slots.map { $0[] }
                }
                reader.sync {}
                pool.sync(flags: .barrier) {}
            }
            #expect(waited.racyVariables.isEmpty)
        }

        @Test("a timed-out group wait orders nothing and records no `wgwait`; a successful one does")
        func groupWaitTimeout() throws {
            let trace = try RecordedTrace.record {
                let queue = TracedDispatchQueue(label: "slow")
                let work = TracedDispatchGroup(name: "slow work")
                let result = TracedVar(0, name: "result")
                let release = DispatchSemaphore(value: 0)
                queue.async(group: work) {
                    release.wait()
                    result[] = 1
                }
                #expect(work.wait(timeout: .now() + 0.05) == .timedOut)
                release.signal()
                #expect(work.wait(timeout: .now() + 60) == .success)
                #expect(result[] == 1)
                queue.sync {}
            }
            #expect(trace.racyVariables.isEmpty)
            let work = try trace.object("slow work")
            let operations = trace.events(on: work).map(\.operation)
            #expect(operations.filter { $0 == .waitGroupWait }.count == 1)
            // The first wait had to wait; the second may find the item already done.
            #expect(operations.filter { $0 == .request }.count >= 1)
        }

        /// Running the items one after the other through a group wait instead of the untraced
        /// semaphore would order them by the wait group, which the deadlock detector rightly takes as
        /// proof that the two sections cannot overlap.
        @Test("nested `sync` on two serial queues in opposite orders: a potential deadlock, both lock orders in the trace")
        func nestedSyncInversion() throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("inversion-\(UUID().uuidString).synctrace").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let program = {
                let accounts = TracedDispatchQueue(label: "accounts")
                let ledger = TracedDispatchQueue(label: "ledger")
                // Untraced: the second item starts only once the first no longer needs the ledger,
                // so the program cannot hang, while the trace holds no order between the two.
                let firstDone = DispatchSemaphore(value: 0)
                accounts.async {
                    ledger.sync {}
                    firstDone.signal()
                }
                firstDone.wait()
                ledger.async { accounts.sync {} }
                ledger.sync {}
                accounts.sync {}
            }
            let summary = try TraceRecorder.record(to: path, program).summary
            let trace = try RecordedTrace.read(path: path, summary: summary)
            let report = try TraceAnalysis.run(path: path, plugins: [DeadlockDetector()])
            let finding = try #require(report.findings.first)
            #expect(report.findings.count == 1)
            #expect(finding.kind == "potential")
            let accounts = try trace.object("accounts")
            let ledger = try trace.object("ledger")
            let transfer = try Self.thread(trace, named: "accounts item ")
            let audit = try Self.thread(trace, named: "ledger item ")
            let names = [accounts: "accounts", ledger: "ledger"]
            func locking(_ thread: ThreadDeclaration) -> [String] {
                trace.events(of: thread.id).compactMap { event in
                    let name = names[event.object] ?? "?"
                    switch event.operation {
                    case .request: return "req(\(name))"
                    case .acquire: return "acq(\(name))"
                    case .release: return "rel(\(name))"
                    default: return nil
                    }
                }
            }
            #expect(locking(transfer) == ["acq(accounts)", "req(ledger)", "acq(ledger)", "rel(ledger)", "rel(accounts)"])
            #expect(locking(audit) == ["acq(ledger)", "req(accounts)", "acq(accounts)", "rel(accounts)", "rel(ledger)"])
        }

        @Test("with no recording running, the queues and groups behave like Dispatch's own")
        func untraced() {
            let pool = TracedDispatchQueue(label: "untraced pool", attributes: .concurrent)
            let serial = TracedDispatchQueue(label: "untraced serial")
            let group = TracedDispatchGroup()
            let counter = TracedVar(0, name: "untraced counter")
            for _ in 0..<50 { serial.async(group: group) { counter[] += 1 } }
            pool.async(group: group, flags: .barrier) {}
            group.wait()
            #expect(serial.sync { counter[] } == 50)
            let notified = DispatchSemaphore(value: 0)
            group.notify(queue: pool) { notified.signal() }
            #expect(notified.wait(timeout: .now() + 60) == .success)
        }
    }
}
