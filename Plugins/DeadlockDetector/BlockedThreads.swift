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
    /// A thread holding a lock: its first acquisition of it that it still holds.
    struct Holder {
        var thread: Int
        var acquisition: IndexedEvent
    }

    let threads: [DeadlockDetector.ThreadState]
    /// Threads with requests never granted, by index.
    let waiting: [Int]
    /// For each lock held at the end: the threads holding it, each once.
    let holders: [ObjectID: [Holder]]

    init(threads: [DeadlockDetector.ThreadState]) {
        self.threads = threads
        self.waiting = threads.indices.filter { !threads[$0].requests.isEmpty }
        var holders: [ObjectID: [Holder]] = [:]
        for (thread, state) in threads.enumerated() {
            // Entries are in the order of their first acquisitions: the first of a lock is its oldest.
            var seen: Set<ObjectID> = []
            for entry in state.held.entries where state.held.entries.count == 1 || seen.insert(entry.lock).inserted {
                holders[entry.lock, default: []].append(Holder(thread: thread, acquisition: entry.first))
            }
        }
        self.holders = holders
    }

    /// Waiting threads that asked for a lock they hold themselves.
    func selfBlocked() -> [Int] {
        self.waiting.filter { thread in
            self.threads[thread].requests.contains { request in
                self.threads[thread].held.entries.contains { $0.lock == request.event.object }
            }
        }
    }

    /// Groups of threads waiting for one another's locks (the wait-for graph's strongly connected
    /// components with more than one thread), each sorted.
    ///
    /// The graph goes through the locks (a waiting thread → the lock it asks for → the lock's
    /// holders), so that many threads waiting for a lock many hold (a read lock) cost their sum, not
    /// their product; paths between threads, and so the components, are those of the thread-to-thread graph.
    func lockCycles() -> [[Int]] {
        var lockNode: [ObjectID: Int] = [:]
        var successors = [[Int]](repeating: [], count: self.threads.count)
        for thread in self.waiting {
            for request in self.threads[thread].requests {
                guard let holders = self.holders[request.event.object] else { continue }
                let node: Int
                if let known = lockNode[request.event.object] {
                    node = known
                } else {
                    node = successors.count
                    lockNode[request.event.object] = node
                    successors.append(holders.map(\.thread))
                }
                successors[thread].append(node)
            }
        }
        let component = ElementaryCycles.components(of: successors)
        var members: [Int: [Int]] = [:]
        for thread in self.waiting { members[component[thread], default: []].append(thread) }
        return members.values.filter { $0.count > 1 }.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    }

    func deadlockFinding(_ cycle: [Int], in context: AnalysisContext) -> Finding {
        let members = Set(cycle)
        // For each lock a member asks for: a member asking, and whether another one does too.
        var requesters: [ObjectID: (thread: Int, several: Bool)] = [:]
        for thread in cycle {
            for request in self.threads[thread].requests {
                let lock = request.event.object
                if let known = requesters[lock] {
                    if known.thread != thread { requesters[lock]?.several = true }
                } else {
                    requesters[lock] = (thread, false)
                }
            }
        }
        var events: [FindingEvent] = []
        var named: Set<ObjectID> = []
        var objects: [FindingObject] = []
        var clauses: [FindingText] = []
        for thread in cycle {
            let name = ThreadID(UInt32(thread))
            for request in self.threads[thread].requests {
                let lock = request.event.object
                guard let holders = self.holders[lock]?.filter({ members.contains($0.thread) && $0.thread != thread }),
                    !holders.isEmpty
                else { continue }
                let holderNames = FindingText.joined(holders.map { "\(thread: ThreadID(UInt32($0.thread)))" }, separator: ", ")
                if named.insert(lock).inserted { objects.append(context.object(lock)) }
                // Every acquisition (re-entries too) of a lock another member asks for, in the order taken.
                let heldHere = self.threads[thread].held.entries.filter { entry in
                    requesters[entry.lock].map { $0.several || $0.thread != thread } ?? false
                }
                .flatMap { entry in entry.acquisitions.map { (lock: entry.lock, acquisition: $0) } }
                .sorted { $0.acquisition.index < $1.acquisition.index }
                for held in heldHere {
                    events.append(
                        context.describe(held.acquisition.event, role: "Holds \(object: held.lock)", index: held.acquisition.index)
                    )
                }
                let never = context.ending.signal == nil ? "never acquired" : "not acquired when the process got the signal"
                events.append(
                    context.describe(
                        request.event,
                        role: "Waits for \(object: lock) (held by \(holderNames)), \(never)",
                        index: request.index
                    )
                )
                let holding = FindingText.joined(heldHere.map { "\(object: $0.lock)" }, separator: ", ")
                clauses.append("\(thread: name) holds \(holding.isEmpty ? "nothing the others wait for" : holding) and waits for \(object: lock)")
            }
        }
        return Finding(
            kind: .actualDeadlock,
            title: "DEADLOCK",
            message: "deadlock: \(FindingText.joined(clauses, separator: "; "))",
            objects: objects,
            events: events,
            details: [
                context.ending.signal.map { "These threads were waiting for one another's locks when the process got \(TraceEnding.describe(signal: $0)): none of them could go on." }
                    ?? "These threads wait for one another's locks at the end of the trace: none of them can go on."
            ],
            fields: [
                "locks": .texts(objects.map { "\(object: $0.id)" }),
                "threads": .texts(cycle.map { "\(thread: ThreadID(UInt32($0)))" }),
            ]
        )
    }

    func blockedFinding(_ blocked: [Int], deadlocked: Set<Int>, in context: AnalysisContext) -> Finding {
        let signal = context.ending.signal
        var events: [FindingEvent] = []
        var named: Set<ObjectID> = []
        var objects: [FindingObject] = []
        var clauses: [FindingText] = []
        for thread in blocked {
            let name = ThreadID(UInt32(thread))
            var what: [FindingText] = []
            for request in self.threads[thread].requests {
                let object = request.event.object
                let kind = context.symbols.object(object).kind.description
                if named.insert(object).inserted { objects.append(context.object(object)) }
                var role: FindingText = "Waits for \(kind) \(object: object)"
                var clause: FindingText = "\(kind) \(object: object)"
                let holders = (self.holders[object] ?? []).filter { $0.thread != thread }
                if !holders.isEmpty {
                    let names = FindingText.joined(
                        holders.map { holder in
                            "\(thread: ThreadID(UInt32(holder.thread)))\(deadlocked.contains(holder.thread) ? " (deadlocked)" : "")"
                        },
                        separator: ", "
                    )
                    role = role + ", held by \(names)"
                    clause = clause + " held by \(names)"
                }
                events.append(context.describe(request.event, role: role + FindingText(signal == nil ? ", forever" : ", until the signal"), index: request.index))
                for holder in holders where !deadlocked.contains(holder.thread) {
                    events.append(
                        context.describe(holder.acquisition.event, role: "\(object: object) acquired", index: holder.acquisition.index)
                    )
                }
                what.append(clause)
            }
            clauses.append("\(thread: name) waits for \(FindingText.joined(what, separator: " or "))")
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
            kind: .actualDeadlock,
            title: title,
            message: FindingText(message) + FindingText.joined(clauses, separator: "; "),
            objects: objects,
            events: events,
            details: [FindingText(detail)],
            fields: [
                "locks": .texts(objects.map { "\(object: $0.id)" }),
                "threads": .texts(blocked.map { "\(thread: ThreadID(UInt32($0)))" }),
            ]
        )
    }
}
