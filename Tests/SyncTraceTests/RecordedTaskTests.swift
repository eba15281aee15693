import Foundation
import RaceDetector
import SyncTrace
import SyncTraceFormat
import SyncTraceReplay
import Synchronization
import Testing

extension RecordedTrace {
    /// Records the asynchronous `body` to a temporary file and reads the trace back.
    static func record(
        options: TraceRecorderOptions = TraceRecorderOptions(),
        _ body: () async throws -> Void
    ) async throws -> RecordedTrace {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("recorder-\(UUID().uuidString).synctrace").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try await TraceRecorder.record(to: path, options: options, body).summary
        return try Self.read(path: path, summary: summary)
    }
}

extension RecorderTests {
    /// Swift tasks: each traced task is one thread in the trace however many OS threads run it.
    @Suite("Recorded tasks")
    struct RecordedTaskTests {
        @Test("a task that hops between OS threads keeps its program order in the trace")
        func taskHoppingThreads() async throws {
            let hops = 200
            let executors = [PinnedThreadExecutor(name: "left"), PinnedThreadExecutor(name: "right")]
            defer { executors.forEach { $0.shutDown() } }
            let trace = try await RecordedTrace.record {
                let variables = (0..<hops).map { TracedVar(0, name: "step\($0)") }
                let task = TracedTask(name: "hopper") {
                    for (index, variable) in variables.enumerated() {
                        await withTaskExecutorPreference(executors[index % 2]) {
                            variable[] = index
                        }
                    }
                }
                await task.value
            }
            let hopper = try #require(
                trace.symbols.threads.last { $0.name == "hopper" }?.id,
                "threads: \(trace.symbols.threads.map { "\($0.name)<-\($0.parent.map { String($0.rawValue) } ?? "-")" })"
            )
            // The recorder wrote the task's events in runs, one per stay on an OS thread.
            let runs = trace.events.filter { $0.thread == hopper && $0.operation == .resume }.count
            #expect(runs >= hops / 2)
            let written = trace.ordered.filter { $0.thread == hopper && $0.operation == .write }
            let names = written.map { trace.symbols.objects[$0.object.index].name }
            #expect(names == (0..<hops).map { "step\($0)" })
            #expect(trace.racyVariables.isEmpty)
            #expect(trace.dropped == 0)
        }

        @Test("what a task writes is ordered before what its awaiter reads after `value`; before it, a race")
        func taskValueJoins() async throws {
            let joined = try await RecordedTrace.record {
                let result = TracedVar(0, name: "result")
                result[] = 1  // before the fork: ordered
                let task = TracedTask(name: "worker") { result[] = 2 }
                await task.value
                #expect(result[] == 2)
            }
            #expect(joined.racyVariables.isEmpty)
            #expect(joined.ordered.contains { $0.operation == .join })

            let unjoined = try await RecordedTrace.record {
                let result = TracedVar(0, name: "result")
                // An untraced flag: the read below comes after the write in time, but nothing the
                // replay can see orders them.
                let written = UntracedFlag()
                let task = TracedTask(name: "worker") {
                    result[] = 2
                    written.set()
                }
                while !written.isSet { await Task.yield() }
                _ = result[]
                await task.value
            }
            #expect(unjoined.racyVariables == ["result"])
        }

        @Test("a task group writing separate slots: no race; writing one variable: a race")
        func taskGroupFanOut() async throws {
            let separate = try await RecordedTrace.record {
                let slots = (0..<8).map { TracedVar(0, name: "slot\($0)") }
                let total = await withTracedTaskGroup(of: Int.self) { group in
                    for (index, slot) in slots.enumerated() {
                        group.addTask {
                            slot[] = index
                            return index
                        }
                    }
                    var total = 0
                    for await value in group { total += value }
                    return total
                }
                #expect(total == 28)
                // After the joins, the parent reads every slot: ordered.
                #expect(slots.map { $0[] } == Array(0..<8))
            }
            #expect(separate.racyVariables.isEmpty)
            // The recording's body runs as "main task", which forks and joins each child.
            let main = try separate.thread("main task")
            let forks = separate.events.filter { $0.operation == .fork && $0.thread == main }.count
            let joins = separate.ordered.filter { $0.operation == .join && $0.thread == main }.count
            #expect(forks == 8)
            #expect(joins == 8)

            let shared = try await RecordedTrace.record {
                let sum = TracedVar(0, name: "sum")
                await withTracedTaskGroup(of: Void.self) { group in
                    for index in 0..<8 { group.addTask { sum[] += index } }
                }
                _ = sum[]
            }
            #expect(shared.racyVariables == ["sum"])
        }

        @Test("async let through TracedAsyncLet: the child's write is ordered before the join")
        func asyncLetJoins() async throws {
            let trace = try await RecordedTrace.record {
                let partial = TracedVar(0, name: "partial")
                let child = TracedAsyncLet(name: "child")
                async let done: Bool = child.run {
                    partial[] = 21
                    return true
                }
                let finished = child.join(await done)
                #expect(finished)
                partial[] *= 2
            }
            #expect(trace.racyVariables.isEmpty)
            #expect(try trace.thread("child").index > 0)
        }
    
        @Test("under the drop policy, tasks' dropped events leave a trace the replay still orders")
        func droppedTaskEvents() async throws {
            let options = TraceRecorderOptions(bufferCapacity: 16, maximumQueuedBuffers: 2, overflowPolicy: .dropEvents)
            let trace = try await RecordedTrace.record(options: options) {
                let variables = (0..<4).map { TracedVar(0, name: "v\($0)") }
                for _ in 0..<20 {
                    await withTracedTaskGroup(of: Void.self) { group in
                        for index in 0..<50 {
                            group.addTask {
                                for _ in 0..<10 { variables[index % 4][] = index }
                            }
                        }
                    }
                }
            }
            // Whatever was dropped, what is left is ordered (the analysis ran) and accounted for.
            #expect(trace.summary.droppedEventCount > 0)
            #expect(trace.ordered.count > 0)
            #expect(trace.dropped == trace.summary.droppedEventCount)
            #expect(trace.analysis.trace.events > 0)
        }
    
        @Test("a throwing task group joins the child that threw as well as those that returned")
        func throwingGroupJoinsFailures() async throws {
            struct Failure: Error {}
            let trace = try await RecordedTrace.record {
                let written = (0..<4).map { TracedVar(0, name: "written\($0)") }
                var failures = 0
                var sum = 0
                try await withThrowingTracedTaskGroup(of: Int.self) { group in
                    for index in 0..<4 {
                        group.addTask {
                            written[index][] = index
                            if index % 2 == 1 { throw Failure() }
                            return index
                        }
                    }
                    while true {
                        do {
                            guard let value = try await group.next() else { break }
                            sum += value
                        } catch is Failure {
                            failures += 1
                        }
                    }
                }
                #expect(failures == 2)
                #expect(sum == 2)
                // Every child was joined, those that threw too: reading what they wrote is ordered.
                #expect(written.map { $0[] } == [0, 1, 2, 3])
            }
            #expect(trace.racyVariables.isEmpty)
            let main = try trace.thread("main task")
            #expect(trace.ordered.filter { $0.operation == .join && $0.thread == main }.count == 4)
        }
    
        @Test("a task that outlives a recording starts the next one as a thread of its own, from position zero")
        func taskAcrossRecordings() async throws {
            let first = FileManager.default.temporaryDirectory.appendingPathComponent("first-\(UUID().uuidString).synctrace").path
            let second = FileManager.default.temporaryDirectory.appendingPathComponent("second-\(UUID().uuidString).synctrace").path
            defer {
                try? FileManager.default.removeItem(atPath: first)
                try? FileManager.default.removeItem(atPath: second)
            }
            let before = TracedVar(0, name: "before")
            let after = TracedVar(0, name: "after")
            let firstDone = UntracedFlag()
            let secondStarted = UntracedFlag()
            var task: TracedTask<Void, Never>?
            _ = try await TraceRecorder.record(to: first) {
                task = TracedTask(name: "long-lived") {
                    before[] = 1
                    firstDone.set()
                    while !secondStarted.isSet { await Task.yield() }
                    after[] = 2
                }
                while !firstDone.isSet { await Task.yield() }
            }
            _ = try await TraceRecorder.record(to: second) {
                secondStarted.set()
                await task!.value
                _ = after[]
            }
            let reader = try BinaryTraceReader(path: second)
            var events: [TraceEvent] = []
            var batch: [TraceEvent] = []
            while try reader.nextBatch(into: &batch) { events.append(contentsOf: batch) }
            let thread = try #require(reader.symbols.threads.first { $0.name == "long-lived" })
            // No fork of it in this trace, so no parent; its events here count from zero.
            #expect(thread.parent == nil)
            let positions = events.filter { $0.thread == thread.id && $0.operation == .resume }.map(\.argument)
            #expect(positions.min() == 0)
            let report = try TraceAnalysis.run(path: second, plugins: [RaceDetector()])
            #expect(report.trace.sequenceGaps == 0)
            #expect(report.findings.isEmpty, "the join orders the write before the read")
        }
    }
}

/// A flag that the recorder does not see.
final class UntracedFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { self.value.store(true, ordering: .releasing) }
    var isSet: Bool { self.value.load(ordering: .acquiring) }
}

/// A task executor that runs every job on one dedicated thread, so that a test can make a task move
/// between two known OS threads.
final class PinnedThreadExecutor: TaskExecutor, @unchecked Sendable {
    // Safe to share: `jobs` and `stopping` are read and written only with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    init(name: String) {
        let thread = Thread { [unowned self] in self.runJobs() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.condition.lock()
        self.jobs.append(job)
        self.condition.signal()
        self.condition.unlock()
    }

    func shutDown() {
        self.condition.lock()
        self.stopping = true
        self.condition.signal()
        self.condition.unlock()
    }

    private func runJobs() {
        while true {
            self.condition.lock()
            while self.jobs.isEmpty && !self.stopping { self.condition.wait() }
            if self.jobs.isEmpty {
                self.condition.unlock()
                return
            }
            let job = self.jobs.removeFirst()
            self.condition.unlock()
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}