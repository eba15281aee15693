public import SyncTraceFormat

/// Writes a large, reproducible binary trace that looks like a recorder's output from a lock-heavy
/// program: a tool for benchmarks and tests of the replay (`synctrace generate` is its front end),
/// not part of what an app records or analyses.
///
/// The simulated program: a main thread forks ``Configuration/threads`` workers, which loop over
/// critical sections — `acq(L)`, reads and writes of one to three of the variables that lock `L`
/// guards, `rel(L)` — and then joins them. Variable `v` is guarded by lock `v % locks`. A few
/// planned accesses (``Configuration/racyAccessesPerMillion``, 100 per million by default, which is
/// about 60 per million of the accesses written, as most plans are a read and a write) are made
/// without any lock, on a variable another worker has just used: those are the data races a
/// detector should find.
///
/// As with a real recording, the order is the interesting part. The simulation always runs the
/// worker that is furthest behind in simulated time, and a worker that finds its lock taken waits,
/// so each object's sequence numbers interleave across threads as contention makes them. Each
/// worker buffers its events and hands them over in batches of about ``Configuration/batchSize``
/// events when its buffer fills, like the recorder's per-thread buffers: a batch written later often
/// holds events older than the previous batches of other threads, so a replay must hold events back
/// and merge by sequence numbers.
///
/// Memory is bounded (a few per-thread buffers and one counter per object) whatever the number of
/// events, and the same configuration always gives the same bytes.
public struct SyntheticTraceGenerator {
    /// What to generate.
    public struct Configuration: Hashable, Sendable {
        /// The exact number of events in the trace (at least `2 * threads`: the forks and the joins).
        public var events: Int
        /// Worker threads, besides the main thread that forks and joins them.
        public var threads: Int
        /// Locks; each guards the variables whose index is its own modulo `locks`.
        public var locks: Int
        /// Shared variables (at least one).
        public var variables: Int
        /// The seed of the pseudo-random choices.
        public var seed: UInt64
        /// How many accesses in a million are made without holding the variable's lock.
        public var racyAccessesPerMillion: Int
        /// The mean number of events a worker hands over at once (each batch is within ±1/8 of it).
        public var batchSize: Int

        /// A configuration; the defaults are those of `synctrace generate`.
        public init(
            events: Int,
            threads: Int = 8,
            locks: Int = 64,
            variables: Int = 10_000,
            seed: UInt64 = 1,
            racyAccessesPerMillion: Int = 100,
            batchSize: Int = 4096
        ) {
            self.events = events
            self.threads = threads
            self.locks = locks
            self.variables = variables
            self.seed = seed
            self.racyAccessesPerMillion = racyAccessesPerMillion
            self.batchSize = batchSize
        }

        /// Why the configuration cannot be generated, or `nil` when it can.
        public var problem: String? {
            if self.threads < 1 || self.threads > 100_000 { return "threads must be between 1 and 100000" }
            if self.locks < 1 || self.locks > 1_000_000 { return "locks must be between 1 and 1000000" }
            if self.variables < 1 || self.variables > 100_000_000 { return "variables must be between 1 and 100000000" }
            if self.events < 2 * self.threads { return "events must be at least \(2 * self.threads) (a fork and a join per thread)" }
            if !(0...1_000_000).contains(self.racyAccessesPerMillion) { return "racy accesses per million must be between 0 and 1000000" }
            if self.batchSize < 8 || self.batchSize > 1 << 20 { return "batch size must be between 8 and \(1 << 20)" }
            return nil
        }
    }

    /// What a generation wrote.
    public struct Summary: Hashable, Sendable {
        /// Events written.
        public var events: UInt64
        /// Reads and writes, and how many of them were made without the variable's lock.
        public var accesses: UInt64
        public var racyAccesses: UInt64
        /// Batch records written.
        public var batches: Int
    }

    /// The configuration this generator follows.
    public let configuration: Configuration

    /// A generator for `configuration`, which must have no ``Configuration/problem``.
    public init(configuration: Configuration) {
        precondition(configuration.problem == nil, configuration.problem ?? "")
        self.configuration = configuration
    }

    /// Writes the trace to a new file at `path` (replacing it).
    @discardableResult
    public func write(toPath path: String) throws(TraceIOError) -> Summary {
        let writer = try TraceWriter(path: path, header: Self.header)
        let summary = try self.write(to: writer)
        try writer.finish()
        return summary
    }

    /// Declares the trace's names and writes its events to `writer`, which must be new; the caller
    /// calls `finish()`.
    @discardableResult
    public func write(to writer: TraceWriter) throws(TraceIOError) -> Summary {
        var run = try Simulation(configuration: self.configuration, writer: writer)
        try run.generate()
        return run.summary
    }

    /// The header of a generated trace: a 1 µs clock, like the recorder's default.
    public static let header = TraceHeader(program: "synthetic", startTime: 0, clockResolution: 1_000)
}

/// One generation: the simulated workers and the objects' sequence numbers.
private struct Simulation {
    private struct Worker {
        var thread: ThreadID
        var time: UInt64
        /// The steps of the current loop iteration, and the next one to run.
        var steps: [Step] = []
        var next = 0
        var buffer: [TraceEvent] = []
        var batchTarget = 0
        var done = false
        /// The variable of the worker's latest planned access under a lock.
        var lastVariable = 0
    }

    private struct Step {
        var operation: TraceOperation
        var object: UInt32
        var location: StringID
    }

    private let configuration: SyntheticTraceGenerator.Configuration
    private let writer: TraceWriter
    private var random: SeededGenerator
    private var workers: [Worker] = []
    private let main: ThreadID
    private var mainTime: UInt64 = 0
    private var nextSequence: [UInt64]
    /// Per lock, the index of the worker holding it, or -1.
    private var holder: [Int32]
    /// Events not yet promised to a loop iteration (the forks and joins are set aside).
    private var budget: Int
    private let lockSites: [StringID]
    private let readSites: [StringID]
    private let writeSites: [StringID]
    private let racySites: [StringID]
    private let mainSite: StringID
    private(set) var summary = SyntheticTraceGenerator.Summary(events: 0, accesses: 0, racyAccesses: 0, batches: 0)

    private static let siteGroups = 16

    init(configuration: SyntheticTraceGenerator.Configuration, writer: TraceWriter) throws(TraceIOError) {
        self.configuration = configuration
        self.writer = writer
        self.random = SeededGenerator(seed: configuration.seed)
        // A handful of call sites, as a real program has: the critical sections share a few.
        var lockSites: [StringID] = []
        var readSites: [StringID] = []
        var writeSites: [StringID] = []
        for group in 0..<Self.siteGroups {
            lockSites.append(try writer.intern("Shard.swift:\(100 + 10 * group)"))
            readSites.append(try writer.intern("Shard.swift:\(101 + 10 * group)"))
            writeSites.append(try writer.intern("Shard.swift:\(102 + 10 * group)"))
        }
        self.lockSites = lockSites
        self.readSites = readSites
        self.writeSites = writeSites
        self.racySites = [try writer.intern("Cache.swift:40"), try writer.intern("Cache.swift:41")]
        self.mainSite = try writer.intern("main.swift:12")

        self.main = try writer.declareThread(name: "main")
        for index in 0..<configuration.threads {
            let thread = try writer.declareThread(name: "worker-\(index)", parent: self.main, location: self.mainSite)
            self.workers.append(Worker(thread: thread, time: 0))
        }
        for lock in 0..<configuration.locks {
            _ = try writer.declareObject(kind: .lock, name: "lock\(lock)", location: self.mainSite)
        }
        for variable in 0..<configuration.variables {
            _ = try writer.declareObject(kind: .variable, name: "v\(variable)", location: self.mainSite)
        }
        self.nextSequence = Array(repeating: 0, count: configuration.locks + configuration.variables)
        self.holder = Array(repeating: -1, count: configuration.locks)
        self.budget = configuration.events - 2 * configuration.threads
    }

    mutating func generate() throws(TraceIOError) {
        var opening: [TraceEvent] = []
        for index in self.workers.indices {
            opening.append(self.mainEvent(.fork, target: self.workers[index].thread.rawValue))
        }
        try self.writeBatch(opening)
        for index in self.workers.indices {
            self.workers[index].time = self.mainTime + 1_000 + UInt64(index) * 150
            self.workers[index].batchTarget = self.nextBatchTarget()
            self.workers[index].steps.reserveCapacity(16)
            self.workers[index].buffer.reserveCapacity(self.configuration.batchSize * 9 / 8)
        }

        while let index = self.earliestWorker() {
            if self.workers[index].next == self.workers[index].steps.count && !self.startIteration(index) {
                self.workers[index].done = true
                continue
            }
            try self.step(index)
        }
        // What the threads still buffer goes out as they finish, the earliest first.
        for index in self.workers.indices.sorted(by: { self.workers[$0].time < self.workers[$1].time }) {
            try self.writeBatch(self.workers[index].buffer)
            self.mainTime = max(self.mainTime, self.workers[index].time)
        }

        var closing: [TraceEvent] = []
        for index in self.workers.indices {
            closing.append(self.mainEvent(.join, target: self.workers[index].thread.rawValue))
        }
        // Events no loop iteration could use (at most two): reads after the joins, which race with nothing.
        for _ in 0..<self.budget {
            closing.append(self.mainEvent(.read, target: UInt32(self.configuration.locks)))
            self.summary.accesses += 1
        }
        self.budget = 0
        try self.writeBatch(closing)
        precondition(self.summary.events == UInt64(self.configuration.events))
    }

    /// Plans the worker's next loop iteration within the budget; `false` when the budget is spent.
    private mutating func startIteration(_ index: Int) -> Bool {
        guard self.budget >= 3 else { return false }
        let configuration = self.configuration
        let threads = configuration.threads
        // Mostly the worker's own shard of locks (as sharded code does), sometimes any lock.
        var lock = Int(self.random.next(below: UInt64(configuration.locks)))
        if configuration.locks >= threads && self.random.next(below: 10) < 6 {
            lock = lock - lock % threads + index
            if lock >= configuration.locks { lock -= threads }
        }
        // The variables `lock` guards: lock, lock + locks, lock + 2 * locks, …
        let guarded = (configuration.variables - lock + configuration.locks - 1) / configuration.locks
        let site = lock % Self.siteGroups
        var steps: [Step] = []
        swap(&steps, &self.workers[index].steps)
        steps.removeAll(keepingCapacity: true)
        steps.append(Step(operation: .acquire, object: UInt32(lock), location: self.lockSites[site]))
        let wanted = 1 + Int(self.random.next(below: 3))
        var available = self.budget - 2
        for _ in 0..<wanted where available > 0 {
            // Each access is, rarely, made without the lock (before taking it), on a variable another
            // worker has just used: the kind of slip that races, rather than a variable no one touches.
            if configuration.racyAccessesPerMillion > 0 && self.random.next(below: 1_000_000) < UInt64(configuration.racyAccessesPerMillion) {
                let variable = self.workers[(index + 1) % threads].lastVariable
                let isWrite = self.random.next(below: 2) == 0
                steps.insert(
                    Step(
                        operation: isWrite ? .write : .read,
                        object: UInt32(configuration.locks + variable),
                        location: self.racySites[isWrite ? 1 : 0]
                    ),
                    at: 0
                )
                self.summary.racyAccesses += 1
                available -= 1
                continue
            }
            guard guarded > 0 else { continue }
            let variable = lock + configuration.locks * Int(self.random.next(below: UInt64(guarded)))
            let object = UInt32(configuration.locks + variable)
            self.workers[index].lastVariable = variable
            // Read-modify-write, a plain read, or a blind write.
            switch self.random.next(below: 8) {
            case 0..<5 where available >= 2:
                steps.append(Step(operation: .read, object: object, location: self.readSites[site]))
                steps.append(Step(operation: .write, object: object, location: self.writeSites[site]))
                available -= 2
            case 5, 6:
                steps.append(Step(operation: .read, object: object, location: self.readSites[site]))
                available -= 1
            default:
                steps.append(Step(operation: .write, object: object, location: self.writeSites[site]))
                available -= 1
            }
        }
        steps.append(Step(operation: .release, object: UInt32(lock), location: self.lockSites[site]))
        self.budget -= steps.count
        self.workers[index].steps = steps
        self.workers[index].next = 0
        return true
    }

    /// Runs the worker's next step, or makes it wait for a lock another worker holds.
    private mutating func step(_ index: Int) throws(TraceIOError) {
        let step = self.workers[index].steps[self.workers[index].next]
        switch step.operation {
        case .acquire:
            let lock = Int(step.object)
            if self.holder[lock] >= 0 && self.holder[lock] != Int32(index) {
                self.workers[index].time += 50 + self.random.next(below: 250)
                return
            }
            self.holder[lock] = Int32(index)
        case .release:
            self.holder[Int(step.object)] = -1
        default:
            self.summary.accesses += 1
        }
        let object = Int(step.object)
        let event = TraceEvent(
            operation: step.operation,
            thread: self.workers[index].thread,
            target: step.object,
            location: step.location,
            sequence: self.nextSequence[object],
            timestamp: self.workers[index].time / 1_000
        )
        self.nextSequence[object] += 1
        self.workers[index].time += 20 + self.random.next(below: 30)
        self.workers[index].next += 1
        self.workers[index].buffer.append(event)
        if self.workers[index].buffer.count >= self.workers[index].batchTarget {
            // The buffer is full: the recorder hands it over now, whatever the other threads hold.
            var buffer: [TraceEvent] = []
            swap(&buffer, &self.workers[index].buffer)
            try self.writeBatch(buffer)
            buffer.removeAll(keepingCapacity: true)
            swap(&buffer, &self.workers[index].buffer)
            self.workers[index].batchTarget = self.nextBatchTarget()
        }
    }

    private mutating func mainEvent(_ operation: TraceOperation, target: UInt32) -> TraceEvent {
        var sequence: UInt64 = 0
        if operation.hasSequence {
            sequence = self.nextSequence[Int(target)]
            self.nextSequence[Int(target)] += 1
        }
        self.mainTime += 20 + self.random.next(below: 30)
        return TraceEvent(
            operation: operation,
            thread: self.main,
            target: target,
            location: self.mainSite,
            sequence: sequence,
            timestamp: self.mainTime / 1_000
        )
    }

    private mutating func nextBatchTarget() -> Int {
        let size = self.configuration.batchSize
        return size - size / 8 + Int(self.random.next(below: UInt64(size / 4 + 1)))
    }

    private mutating func writeBatch(_ batch: [TraceEvent]) throws(TraceIOError) {
        guard !batch.isEmpty else { return }
        try self.writer.write(batch)
        self.summary.events += UInt64(batch.count)
        self.summary.batches += 1
    }

    /// The worker furthest behind in simulated time that still has work, if any.
    private func earliestWorker() -> Int? {
        var best = -1
        var bestTime = UInt64.max
        for index in self.workers.indices where !self.workers[index].done && self.workers[index].time < bestTime {
            best = index
            bestTime = self.workers[index].time
        }
        return best < 0 ? nil : best
    }
}
