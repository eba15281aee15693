import SyncTraceFormat

/// The names a ``MutexHeavyWorkload`` declares, with the ids a ``TraceWriter`` gives them.
///
/// Declaring goes through the writer (not a hand-numbered table) because the writer interns thread
/// and object names into the same string table as the call sites: only it knows the final ids.
struct WorkloadSymbols {
    static let callSiteCount = 20
    static let workersPerChunk = 8
    static let lockCount = 6
    static let variablesPerLock = 2
    static let atomicCount = 3
    static let channelCapacity = 64

    var callSites: [StringID] = []
    var mainThread = ThreadID(0)
    /// The worker threads of each chunk: every chunk forks fresh threads, as a thread pool's
    /// rounds or a test suite's cases would.
    var workers: [[ThreadID]] = []
    var locks: [ObjectID] = []
    /// `variables[lock]` are the fields that lock protects.
    var variables: [[ObjectID]] = []
    var atomics: [ObjectID] = []
    var channel = ObjectID(0)

    /// Declares every string, thread and object of a workload of `chunks` chunks on `writer`.
    static func declare(chunks: Int, on writer: TraceWriter) throws -> WorkloadSymbols {
        var symbols = WorkloadSymbols()
        for site in 0..<Self.callSiteCount {
            symbols.callSites.append(try writer.intern("Sources/App/Inventory.swift:\(40 + 13 * site)"))
        }
        symbols.mainThread = try writer.declareThread(name: "main")
        for chunk in 0..<chunks {
            var workers: [ThreadID] = []
            for worker in 0..<Self.workersPerChunk {
                workers.append(
                    try writer.declareThread(
                        name: "worker-\(chunk)-\(worker)",
                        parent: symbols.mainThread,
                        location: symbols.callSites[Self.callSiteCount - 1]
                    )
                )
            }
            symbols.workers.append(workers)
        }
        for lock in 0..<Self.lockCount {
            symbols.locks.append(try writer.declareObject(kind: .lock, name: "shard-\(lock).lock"))
            var fields: [ObjectID] = []
            for field in 0..<Self.variablesPerLock {
                fields.append(try writer.declareObject(kind: .variable, name: "shard-\(lock).field-\(field)"))
            }
            symbols.variables.append(fields)
        }
        for atomic in 0..<Self.atomicCount {
            symbols.atomics.append(try writer.declareObject(kind: .atomic, name: "counter-\(atomic)"))
        }
        symbols.channel = try writer.declareObject(kind: .channel, name: "jobs", capacity: Self.channelCapacity)
        return symbols
    }
}
