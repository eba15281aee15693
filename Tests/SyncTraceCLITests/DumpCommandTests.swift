import Foundation
import SyncTraceFormat
import Testing

@Suite("synctrace dump")
struct DumpCommandTests {
    @Test("dump of a converted text trace prints the same events in the same order")
    func dumpMatchesInput() throws {
        let directory = try TemporaryDirectory()
        let source = "T0|fork(T1)|m.swift:1\nT1|racq(RW)|m.swift:2\nT1|rrel(RW)\nT0|aload(flag)\nT0|begin\nT0|end\n"
        let text = try directory.write("in.std", source)
        let binary = directory.path("in.synctrace")
        #expect(try CommandRunner.run("convert", text, binary).status == 0)
        let dumped = try CommandRunner.run("dump", binary)
        #expect(dumped.status == 0)
        #expect(dumped.standardError.isEmpty)
        let lines = dumped.standardOutput.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines == source.split(separator: "\n"))
    }

    @Test("names that are not text-form names are sanitized and explained in a comment")
    func sanitizedNames() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("t.synctrace")
        _ = try TraceFixtures.lockedCounter(rounds: 2, path: path)
        let dumped = try CommandRunner.run("dump", path)
        #expect(dumped.status == 0)
        #expect(dumped.standardOutput.contains("# thread worker_1: named \"worker 1\"\n"))
        #expect(dumped.standardOutput.contains("main|fork(worker_1)\n"))
        #expect(dumped.standardOutput.contains("worker_1|acq(lock)|Counter.swift:7\n"))
    }

    @Test("a truncated trace prints the events of its complete frames up to its first gap and warns, exit status 0")
    func truncated() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("t.synctrace")
        let (_, bytes) = try TraceFixtures.lockedCounter(rounds: 400, path: path)
        let cut = directory.path("cut.synctrace")
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: cut))
        let dumped = try CommandRunner.run("dump", cut)
        #expect(dumped.status == 0)
        let printed = dumped.standardOutput.split(separator: "\n").filter { !$0.hasPrefix("#") }.count
        #expect(printed > 0)
        // The two threads' events alternate in each batch, so no event waits behind a gap.
        #expect(dumped.standardError.hasPrefix("synctrace: warning: \(cut) was cut short ("), "\(dumped.standardError)")
        #expect(
            dumped.standardError.hasSuffix(
                " bytes of an incomplete last frame dropped): printed all \(printed) events read (none waits behind a gap)\n"
            ),
            "\(dumped.standardError)"
        )
    }

    @Test("a corrupt trace fails with a byte offset and exit status 2")
    func corrupt() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("t.synctrace")
        var (_, bytes) = try TraceFixtures.lockedCounter(rounds: 50, path: path)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        let dumped = try CommandRunner.run("dump", path)
        #expect(dumped.status == 2)
        #expect(dumped.standardError.hasPrefix("synctrace: \(path): "))
        #expect(dumped.standardError.contains("byte"))
        #expect(dumped.standardError.split(separator: "\n").count == 1)
    }
}
