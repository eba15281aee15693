import SyncTraceFormat
import SyncTraceTestSupport

/// Simulates eight worker threads contending on a few locks, in simulated nanoseconds, to produce
/// the events (and batch boundaries) of ``MutexHeavyWorkload``.
///
/// The simulation always runs the worker that is furthest behind in time, so that per-object
/// sequence numbers interleave across threads as real contention makes them, and a lock held by one
/// worker makes the others wait. Each worker buffers its events and hands them over in batches, so a
/// batch written later may hold events older than the previous batch of another thread, exactly as
/// with a recorder's per-thread buffers.
struct MutexHeavyGenerator {
    /// One step of a worker's current loop iteration.
    private struct Step {
        var operation: TraceOperation
        var object: ObjectID
        var site: Int
        /// The index of the lock an `acq`/`rel` takes, for the simulation's bookkeeping.
        var lock = -1
    }

    private struct Worker {
        var thread: ThreadID
        var index: Int
        var time: UInt64
        var steps: [Step] = []
        var next = 0
        var buffer: [TraceEvent] = []
        var batchTarget = 0
        var done = false
        var isIdle: Bool { self.next >= self.steps.count }
    }

    private let symbols: WorkloadSymbols
    private var random: SeededGenerator
    private var nextSequence: [UInt64]
    private var lockHolder: [Int?]
    private var queued = 0
    private var mainTime: UInt64 = 0
    private(set) var events: [TraceEvent] = []
    private(set) var batches: [Range<Int>] = []

    init(symbols: WorkloadSymbols, seed: UInt64) {
        self.symbols = symbols
        self.random = SeededGenerator(seed: seed)
        self.nextSequence = Array(repeating: 0, count: Int(symbols.channel.rawValue) + 1)
        self.lockHolder = Array(repeating: nil, count: symbols.locks.count)
    }

    /// Appends one chunk of exactly `count` events: forks, the workers' batches, then the joins.
    mutating func generateChunk(_ chunk: Int, events count: Int) {
        let chunkStart = self.events.count
        let site = WorkloadSymbols.callSiteCount - 1
        var opening: [TraceEvent] = []
        if chunk == 0 {
            opening.append(self.mainEvent(.makeChannel, target: self.symbols.channel.rawValue, argument: Int64(WorkloadSymbols.channelCapacity), site: site))
        }
        for thread in self.symbols.workers[chunk] {
            opening.append(self.mainEvent(.fork, target: thread.rawValue, site: site))
        }
        self.appendBatch(opening)

        let workerQuota = count - opening.count - WorkloadSymbols.workersPerChunk
        var workers = self.symbols.workers[chunk].enumerated().map { index, thread in
            Worker(thread: thread, index: index, time: self.mainTime + 1_000 + UInt64(index) * 150)
        }
        for index in workers.indices { workers[index].batchTarget = self.nextBatchTarget() }
        var generated = 0
        // Stop starting loop iterations a little early so that the ones under way can finish
        // (releasing their locks); the main thread then pads the chunk to its exact size.
        let stopStarting = workerQuota - 64
        while let index = Self.earliest(workers) {
            if workers[index].isIdle {
                if generated >= stopStarting {
                    workers[index].done = true
                    continue
                }
                workers[index].steps = self.nextIteration(worker: workers[index].index)
                workers[index].next = 0
            }
            if self.run(&workers[index]) { generated += 1 }
        }
        for index in workers.indices.sorted(by: { workers[$0].time < workers[$1].time }) {
            self.appendBatch(workers[index].buffer)
            self.mainTime = max(self.mainTime, workers[index].time)
        }

        var closing: [TraceEvent] = []
        for _ in generated..<workerQuota {
            closing.append(self.mainEvent(.atomicLoad, target: self.symbols.atomics[0].rawValue, site: 18))
        }
        for thread in self.symbols.workers[chunk] {
            closing.append(self.mainEvent(.join, target: thread.rawValue, site: site))
        }
        self.appendBatch(closing)
        precondition(self.events.count - chunkStart == count)
    }

    /// Runs the worker's next step; returns whether it made an event (rather than waiting).
    private mutating func run(_ worker: inout Worker) -> Bool {
        var step = worker.steps[worker.next]
        switch step.operation {
        case .acquire:
            let lock = step.lock
            if let holder = self.lockHolder[lock], holder != worker.index {
                worker.time += UInt64.random(in: 50...300, using: &self.random)
                return false
            }
            self.lockHolder[lock] = worker.index
        case .release:
            self.lockHolder[step.lock] = nil
        case .send:
            self.queued += 1
        case .receive:
            if self.queued == 0 {
                // Nothing to receive: a real consumer would poll a shutdown flag instead.
                step = Step(operation: .atomicLoad, object: self.symbols.atomics[2], site: 18)
            } else {
                self.queued -= 1
            }
        default:
            break
        }
        let index = Int(step.object.rawValue)
        worker.buffer.append(
            TraceEvent(
                operation: step.operation,
                thread: worker.thread,
                target: step.object.rawValue,
                location: self.symbols.callSites[step.site],
                sequence: self.nextSequence[index],
                timestamp: worker.time / 1_000
            )
        )
        self.nextSequence[index] += 1
        worker.time += UInt64.random(in: 20...50, using: &self.random)
        worker.next += 1
        if worker.buffer.count >= worker.batchTarget {
            self.appendBatch(worker.buffer)
            worker.buffer.removeAll(keepingCapacity: true)
            worker.batchTarget = self.nextBatchTarget()
        }
        return true
    }

    /// One loop iteration of a worker: mostly a critical section, sometimes atomics or the channel.
    private mutating func nextIteration(worker: Int) -> [Step] {
        let roll = Int.random(in: 0..<100, using: &self.random)
        switch roll {
        case 0..<70:
            // Each worker mostly uses "its" shard, as sharded code does, and sometimes another one.
            let lock = Int.random(in: 0..<10, using: &self.random) < 6
                ? worker % WorkloadSymbols.lockCount
                : Int.random(in: 0..<WorkloadSymbols.lockCount, using: &self.random)
            let lockID = self.symbols.locks[lock]
            let fields = self.symbols.variables[lock]
            let field = Int.random(in: 0..<fields.count, using: &self.random)
            var steps = [Step(operation: .acquire, object: lockID, site: 3 * lock, lock: lock)]
            steps.append(Step(operation: .read, object: fields[field], site: 3 * lock + 1))
            if Int.random(in: 0..<10, using: &self.random) < 3 {
                steps.append(Step(operation: .read, object: fields[1 - field], site: 3 * lock + 1))
            }
            steps.append(Step(operation: .write, object: fields[field], site: 3 * lock + 2))
            steps.append(Step(operation: .release, object: lockID, site: 3 * lock, lock: lock))
            return steps
        case 70..<82:
            let atomic = self.symbols.atomics[Int.random(in: 0..<2, using: &self.random)]
            let operation: TraceOperation = roll < 78 ? .atomicReadModifyWrite : .atomicLoad
            return [Step(operation: operation, object: atomic, site: 18)]
        case 82..<92:
            let operation: TraceOperation = worker < WorkloadSymbols.workersPerChunk / 2 ? .send : .receive
            return [Step(operation: operation, object: self.symbols.channel, site: 19)]
        default:
            // An unlocked fast-path check: an atomic flag, then a plain read.
            let lock = worker % WorkloadSymbols.lockCount
            return [
                Step(operation: .atomicLoad, object: self.symbols.atomics[2], site: 18),
                Step(operation: .read, object: self.symbols.variables[lock][0], site: 3 * lock + 1),
            ]
        }
    }

    private mutating func mainEvent(_ operation: TraceOperation, target: UInt32, argument: Int64 = 0, site: Int) -> TraceEvent {
        var sequence: UInt64 = 0
        if operation.hasObject {
            sequence = self.nextSequence[Int(target)]
            self.nextSequence[Int(target)] += 1
        }
        self.mainTime += UInt64.random(in: 20...50, using: &self.random)
        return TraceEvent(
            operation: operation,
            thread: self.symbols.mainThread,
            target: target,
            location: self.symbols.callSites[site],
            argument: argument,
            sequence: sequence,
            timestamp: self.mainTime / 1_000
        )
    }

    private mutating func nextBatchTarget() -> Int {
        Int.random(in: 200...4_000, using: &self.random)
    }

    private mutating func appendBatch(_ batch: [TraceEvent]) {
        guard !batch.isEmpty else { return }
        let start = self.events.count
        self.events.append(contentsOf: batch)
        self.batches.append(start..<self.events.count)
    }

    /// The worker furthest behind in simulated time that still has work, if any.
    private static func earliest(_ workers: [Worker]) -> Int? {
        var best: Int?
        for index in workers.indices where !workers[index].done {
            if best.map({ workers[index].time < workers[$0].time }) ?? true { best = index }
        }
        return best
    }
}
