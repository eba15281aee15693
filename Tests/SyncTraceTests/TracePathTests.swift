import Foundation
import SyncTrace
import SyncTraceFormat
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension RecorderTests {
    @Suite("The trace file's path and lock")
    struct TracePathTests {
        @Test("start(path:) replaces %p with the process id")
        func processIDInPath() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let template = directory.appendingPathComponent("app-%p-%p.synctrace").path
            let (_, summary) = try TraceRecorder.record(to: template) {
                TracedVar(0, name: "x")[] = 1
            }
            let expected = directory.appendingPathComponent("app-\(getpid())-\(getpid()).synctrace").path
            #expect(summary.path == expected)
            #expect(FileManager.default.fileExists(atPath: expected))
            #expect(!FileManager.default.fileExists(atPath: template))
            let (events, reader) = try Probe.read(expected)
            #expect(reader.ending == .complete)
            #expect(events.filter { $0.operation == .write }.count == 1)
        }

        @Test("a file another process holds locked is left alone: pathInUse, and its bytes are unchanged")
        func lockedByAnother() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("held.synctrace").path
            let bytes: [UInt8] = Array("someone else's trace".utf8)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            // A lock on another open file description conflicts as another process's would.
            let holder = open(path, O_RDONLY)
            #expect(holder >= 0)
            defer { close(holder) }
            #expect(flock(holder, LOCK_EX | LOCK_NB) == 0)
            let error = #expect(throws: TraceRecorderError.self) {
                try TraceRecorder.record(to: path) { TracedVar(0)[] = 1 }
            }
            if case .pathInUse(let reported)? = error {
                #expect(reported == path)
            } else {
                Issue.record("expected pathInUse, got \(String(describing: error))")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes))
            #expect(!TraceRecorder.isRecording)
        }
    }
}
