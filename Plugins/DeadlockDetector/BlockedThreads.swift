import SyncTraceFormat
import SyncTraceReplay

/// The threads that the end of the trace leaves waiting: each thread's `req`s it never got, who
/// holds the locks it waits for, and the wait-for cycles among them.
///
/// Only for a trace that reaches the program's end (``AnalysisContext/reachesProgramEnd``): at the
/// end of a trace cut short, a `req` may wait for an `acq` the cut lost. A trace a signal handler
/// finished holds every event up to the signal, so its waiting threads were waiting when the
/// process got it, and the findings say so.
struct BlockedThreads {
    let threads: [DeadlockDetector.ThreadState]
    /// Threads with requests never granted, by index.
    let waiting: [Int]
    /// For each lock held at the end: the threads holding it, with their acquisitions.
    let holders: [ObjectID: [(thread: Int, held: DeadlockDetector.HeldLock)]]

    init(threads: [DeadlockDetector.ThreadState]) {
        self.threads = threads
        self.waiting = threads.indices.filter { !threads[$0].requests.isEmpty }
        var holders: [ObjectID: [(thread: Int, held: DeadlockDetector.HeldLock)]] = [:]
        for (thread, state) in threads.enumerated() {
            for held in state.held where !(holders[held.lock]?.contains { $0.thread == thread } ?? false) {
                holders[held.lock, default: []].append((thread, held))
            }
        }
        self.holders = holders
    }

    /// The other threads each waiting thread waits for (the holders of the locks it asked for).
    func waitsFor(_ thread: Int) -> [Int] {
        self.threads[thread].requests.flatMap { request in
            (self.holders[request.event.object] ?? []).map(\.thread).filter { $0 != thread }
        }
    }

    /// Waiting threads that asked for a lock they hold themselves.
    func selfBlocked() -> [Int] {
        self.waiting.filter { thread in
            self.threads[thread].requests.contains { request in
                self.holders[request.event.object]?.contains { $0.thread == thread } ?? false
            }
        }
    }

    /// Groups of threads waiting for one another's locks (the wait-for graph's strongly connected
    /// components with more than one thread), each sorted.
    func lockCycles() -> [[Int]] {
        let successors = self.threads.indices.map { self.waitsFor($0) }
        let component = ElementaryCycles.components(of: successors)
        var members: [Int: [Int]] = [:]
        for thread in self.waiting { members[component[thread], default: []].append(thread) }
        return members.values.filter { $0.count > 1 }.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    }

    func deadlockFinding(_ cycle: [Int], plugin: String, in context: AnalysisContext) -> Finding {
        let members = Set(cycle)
        var events: [FindingEvent] = []
        var locks: [String] = []
        var objects: [FindingObject] = []
        var clauses: [String] = []
        for thread in cycle {
            let name = context.threadName(ThreadID(UInt32(thread)))
            for request in self.threads[thread].requests {
                let lock = request.event.object
                guard let holders = self.holders[lock]?.filter({ members.contains($0.thread) && $0.thread != thread }),
                    !holders.isEmpty
                else { continue }
                let lockName = context.objectName(lock)
                let holderNames = holders.map { context.threadName(ThreadID(UInt32($0.thread))) }
                if !locks.contains(lockName) {
                    locks.append(lockName)
                    objects.append(context.object(lock))
                }
                let heldHere = self.threads[thread].held.filter { held in
                    cycle.contains { other in
                        other != thread && self.threads[other].requests.contains { $0.event.object == held.lock }
                    }
                }
                for held in heldHere {
                    events.append(
                        context.describe(held.acquisition.event, role: "Holds \(context.objectName(held.lock))", index: held.acquisition.index)
                    )
                }
                let never = context.ending.signal == nil ? "never acquired" : "not acquired when the process got the signal"
                events.append(
                    context.describe(
                        request.event,
                        role: "Waits for \(lockName) (held by \(holderNames.joined(separator: ", "))), \(never)",
                        index: request.index
                    )
                )
                let holding = heldHere.map { context.objectName($0.lock) }.joined(separator: ", ")
                clauses.append("\(name) holds \(holding.isEmpty ? "nothing the others wait for" : holding) and waits for \(lockName)")
            }
        }
        return Finding(
            plugin: plugin,
            kind: "actual",
            title: "DEADLOCK",
            message: "deadlock: " + clauses.joined(separator: "; "),
            objects: objects,
            events: events,
            details: [
                context.ending.signal.map { "These threads were waiting for one another's locks when the process got \(TraceEnding.describe(signal: $0)): none of them could go on." }
                    ?? "These threads wait for one another's locks at the end of the trace: none of them can go on."
            ],
            fields: [
                "locks": .strings(locks),
                "threads": .strings(cycle.map { context.threadName(ThreadID(UInt32($0))) }),
            ]
        )
    }

    func blockedFinding(_ blocked: [Int], deadlocked: Set<Int>, plugin: String, in context: AnalysisContext) -> Finding {
        let signal = context.ending.signal
        var events: [FindingEvent] = []
        var waitedFor: [String] = []
        var objects: [FindingObject] = []
        var clauses: [String] = []
        for thread in blocked {
            let name = context.threadName(ThreadID(UInt32(thread)))
            var what: [String] = []
            for request in self.threads[thread].requests {
                let object = request.event.object
                let objectName = context.objectName(object)
                let kind = context.symbols.object(object).kind.description
                if !waitedFor.contains(objectName) {
                    waitedFor.append(objectName)
                    objects.append(context.object(object))
                }
                var role = "Waits for \(kind) \(objectName)"
                var clause = "\(kind) \(objectName)"
                let holders = (self.holders[object] ?? []).filter { $0.thread != thread }
                if !holders.isEmpty {
                    let names = holders.map { holder in
                        context.threadName(ThreadID(UInt32(holder.thread)))
                            + (deadlocked.contains(holder.thread) ? " (deadlocked)" : "")
                    }
                    role += ", held by \(names.joined(separator: ", "))"
                    clause += " held by \(names.joined(separator: ", "))"
                }
                events.append(context.describe(request.event, role: role + (signal == nil ? ", forever" : ", until the signal"), index: request.index))
                for holder in holders where !deadlocked.contains(holder.thread) {
                    events.append(
                        context.describe(holder.held.acquisition.event, role: "\(objectName) acquired", index: holder.held.acquisition.index)
                    )
                }
                what.append(clause)
            }
            clauses.append("\(name) waits for \(what.joined(separator: " or "))")
        }
        let count = blocked.count
        let threads = "\(count) thread\(count == 1 ? "" : "s")"
        var title = "BLOCKED FOREVER"
        var message = "\(threads) blocked forever at the end of the trace: "
        var detail = "Nothing in the trace ever gives these threads what they wait for (like Go's \"all goroutines are asleep\")."
        if let signal {
            let named = TraceEnding.describe(signal: signal)
            title = "BLOCKED AT SIGNAL"
            message = "\(threads) blocked when the process got \(named): "
            detail = "Nothing in the trace gave these threads what they wait for before the process got \(named): "
                + "a hang, if a timeout sent the signal."
        }
        return Finding(
            plugin: plugin,
            kind: "actual",
            title: title,
            message: message + clauses.joined(separator: "; "),
            objects: objects,
            events: events,
            details: [detail],
            fields: [
                "locks": .strings(waitedFor),
                "threads": .strings(blocked.map { context.threadName(ThreadID(UInt32($0))) }),
            ]
        )
    }
}
