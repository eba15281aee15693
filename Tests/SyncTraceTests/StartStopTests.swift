import Foundation
import SyncTrace
import SyncTraceFormat
import Testing

extension RecorderTests {
    @Suite("Starting and stopping")
    struct StartStopTests {
        @Test("start throws a clear error for a path it cannot create")
        func unwritablePath() {
            #expect {
                _ = try TraceRecorder.record(to: "/nonexistent-directory/trace.synctrace") {}
            } throws: { error in
                "\(error)" == "cannot create trace /nonexistent-directory/trace.synctrace: No such file or directory"
            }
        }

        @Test("a second start while recording is refused; stop without a recording returns nil")
        func doubleStart() throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("double-\(UUID().uuidString).synctrace").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let stopped = try TraceRecorder.record(to: path) { () -> TraceRecordingSummary? in
                #expect(TraceRecorder.isRecording)
                #expect(throws: TraceRecorderError.self) { try TraceRecorder.start(path: path + ".2") }
                #expect(!FileManager.default.fileExists(atPath: path + ".2"))
                let summary = TraceRecorder.stop()
                #expect(TraceRecorder.stop() == nil)
                #expect(!TraceRecorder.isRecording)
                return summary
            }.result
            let summary = try #require(stopped)
            #expect(summary.path == path)
            #expect(summary.error == nil)
        }

        @Test("with no recording, the primitives work as the plain ones")
        func offIsPlain() throws {
            let mutex = TracedMutex(0)
            let variable = TracedVar(1)
            let atomic = TracedAtomic(5)
            mutex.withLock { $0 += 1 }
            variable.value += 1
            atomic.wrappingAdd(2)
            #expect(mutex.withLock { $0 } == 1)
            #expect(variable.value == 2)
            #expect(atomic.load() == 7)
        }

        @Test("sessions follow one another; a thread that recorded in one records in the next")
        func consecutiveSessions() throws {
            let lock = TracedLock(name: "reused")
            for _ in 0..<3 {
                let trace = try RecordedTrace.record {
                    lock.withLock {}
                }
                let events = trace.events(on: try trace.object("reused"))
                #expect(events.map(\.operation) == [.acquire, .release])
                // Each session numbers the lock's operations from zero again.
                #expect(events.map(\.sequence) == [0, 1])
                #expect(trace.analysis.trace.sequenceGaps == 0)
            }
        }

        @Test("a trace declares only the threads and objects it names, numbered from zero")
        func onlyWhatTheTraceNames() throws {
            // Objects and threads made before (and not used in) the recording stay out of its trace.
            let unused = (0..<50).map { TracedVar(0, name: "unused \($0)") }
            let idle = TracedThread.spawn(name: "idle") {}
            idle.join()
            let trace = try RecordedTrace.record {
                let used = TracedVar(0, name: "used")
                let worker = TracedThread.spawn(name: "worker") { used[] = 1 }
                worker.join()
            }
            #expect(trace.symbols.objects.map(\.name) == ["used"])
            #expect(trace.symbols.objects.first?.id == ObjectID(0))
            #expect(Set(trace.symbols.threads.map(\.name)).isDisjoint(with: ["idle"]))
            #expect(trace.symbols.threads.contains { $0.name == "worker" })
            #expect(trace.symbols.threads.count == 2)
            _ = unused
        }
    }
}

extension RecorderTests.StartStopTests {
    @Test("flush() puts everything recorded so far in the file while recording goes on")
    func flushWritesToDisk() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flush-\(UUID().uuidString).synctrace").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try TraceRecorder.record(to: path) {
            let lock = TracedLock(name: "flushed")
            for _ in 0..<100 { lock.withLock {} }
            TraceRecorder.flush()
            let (events, reader) = try Probe.read(path)
            #expect(events.filter { $0.operation == .acquire }.count == 100)
            #expect(reader.ending == .truncated(droppedBytes: 0))
            #expect(TraceRecorder.isRecording)
            lock.withLock {}
        }.summary
        #expect(summary.eventCount == 202)
    }
}
