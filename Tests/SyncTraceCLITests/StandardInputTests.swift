import Foundation
import SyncTraceFormat
import Testing

/// `-` reads the trace from standard input — a pipe from another process as well as a file — for
/// `analyze`, `dump`, `stats` and `convert`, its form told from its first bytes.
@Suite("standard input as the trace")
struct StandardInputTests {
    /// `"$SYNCTRACE" …` in a shell, quoting `path` for it.
    static func quoted(_ path: String) -> String { "'\(path)'" }

    @Test("cat text-trace | synctrace analyze - reports what analysing the file reports")
    func textPipe() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        let piped = try CommandRunner.shell("cat \(Self.quoted(path)) | \"$SYNCTRACE\" analyze - --plugin race")
        #expect(piped.status == 1, "\(piped.standardError)")
        let direct = try CommandRunner.run("analyze", path, "--plugin", "race")
        #expect(piped.standardOutput == direct.standardOutput.replacingOccurrences(of: path, with: "(standard input)"))
    }

    @Test("cat binary-trace | synctrace analyze - --format json: the binary form is detected, and every event read")
    func binaryPipe() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("counter.synctrace")
        let (events, _) = try TraceFixtures.lockedCounter(rounds: 500, path: path)
        let result = try CommandRunner.shell("cat \(Self.quoted(path)) | \"$SYNCTRACE\" analyze - --format json")
        #expect(result.status == 0, "\(result.standardError)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let trace = try #require(root["trace"] as? [String: Any])
        #expect(trace["form"] as? String == "binary")
        #expect(trace["events"] as? Int == events)
        #expect(trace["complete"] as? Bool == true)
        #expect(trace["path"] as? String == "(standard input)")
    }

    @Test("an empty standard input holds no trace: status 2 and a reason, from a pipe and from /dev/null")
    func empty() throws {
        for script in ["true | \"$SYNCTRACE\" analyze -", "\"$SYNCTRACE\" analyze - < /dev/null", "printf '' | \"$SYNCTRACE\" stats -"] {
            let result = try CommandRunner.shell(script)
            #expect(result.status == 2, "\(script)")
            #expect(result.standardOutput.isEmpty)
            #expect(result.standardError == "synctrace: (standard input): the input is empty: no trace was written to it (the process may have died before its first write)\n", "\(script)")
        }
    }

    @Test("a binary trace cut short on standard input: analysed up to its cut, status 3 without findings, and said so")
    func cutShort() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("counter.synctrace")
        let framed = try TraceFixtures.lockedCounter(rounds: 400, path: path, ending: .complete)
        // Cut inside the last frames: the end record and some events are lost.
        let cut = framed.bytes.prefix(framed.frameEnds[framed.frameEnds.count - 3] + 7)
        let result = try CommandRunner.run(CommandRunner.executable, ["analyze", "-", "--format", "json"], input: Data(cut))
        #expect(result.status == 3, "\(result.standardError)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let trace = try #require(root["trace"] as? [String: Any])
        #expect(trace["ending"] as? String == "cut short")
        let analysed = try #require(trace["analysedEvents"] as? Int)
        #expect(analysed > 0 && analysed < framed.events)
        #expect(result.standardError.hasPrefix("synctrace: warning: (standard input) was cut short ("), "\(result.standardError)")
    }

    @Test("a binary trace cut inside its first frame on standard input holds no trace: status 2")
    func cutInHeader() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("counter.synctrace")
        let framed = try TraceFixtures.lockedCounter(rounds: 10, path: path, ending: .complete)
        let result = try CommandRunner.run(CommandRunner.executable, ["analyze", "-"], input: Data(framed.bytes.prefix(framed.frameEnds[0] - 1)))
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("synctrace: (standard input): at byte offset "))
        #expect(result.standardError.contains("no trace was written to it"))
    }

    @Test("a malformed text trace on standard input names (standard input) and the line")
    func malformed() throws {
        let result = try CommandRunner.run(CommandRunner.executable, ["dump", "-"], input: Data("T0|acq(L)\nT0|frob(L)\n".utf8))
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("synctrace: (standard input):2: unknown operation 'frob'"))
    }

    @Test("dump -, stats - and convert - OUT read standard input too")
    func otherVerbs() throws {
        let directory = try TemporaryDirectory()
        let text = try directory.write("in.trace", ConvertCommandTests.trace)
        let binary = directory.path("in.synctrace")
        #expect(try CommandRunner.run("convert", text, binary).status == 0)

        let dumped = try CommandRunner.shell("cat \(Self.quoted(binary)) | \"$SYNCTRACE\" dump -")
        #expect(dumped.status == 0, "\(dumped.standardError)")
        #expect(dumped.standardOutput.split(separator: "\n").filter { !$0.hasPrefix("#") } == ConvertCommandTests.trace.split(separator: "\n"))

        let stats = try CommandRunner.shell("cat \(Self.quoted(binary)) | \"$SYNCTRACE\" stats -")
        #expect(stats.status == 0)
        #expect(stats.standardOutput.hasPrefix("trace:             (standard input) (binary)\n"))
        #expect(stats.standardOutput.contains("events:            10\n"))

        let converted = directory.path("from-stdin.synctrace")
        let convert = try CommandRunner.shell("cat \(Self.quoted(text)) | \"$SYNCTRACE\" convert - \(Self.quoted(converted))")
        #expect(convert.status == 0, "\(convert.standardError)")
        #expect(TraceFile.isBinary(prefix: try Data(contentsOf: URL(fileURLWithPath: converted))))
        let back = try CommandRunner.run("dump", converted)
        #expect(back.standardOutput.split(separator: "\n").filter { !$0.hasPrefix("#") } == ConvertCommandTests.trace.split(separator: "\n"))
    }

    @Test(
        "standard input is streamed: stats - of a 35 MB text trace through a pipe needs no more memory than of the file",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "needs GNU time for the peak memory")
    )
    func streamed() throws {
        let directory = try TemporaryDirectory()
        let binary = directory.path("big.synctrace")
        let text = directory.path("big.trace")
        #expect(try CommandRunner.run("generate", binary, "--events", "1000000").status == 0)
        #expect(try CommandRunner.run("dump", binary, "--output", text).status == 0)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: text)[.size] as? Int)
        /// The peak resident memory, in kilobytes, of `synctrace stats` run by `command`.
        func peak(_ command: String) throws -> Int {
            let record = directory.path("peak-\(UUID().uuidString)")
            let result = try CommandRunner.shell(command.replacingOccurrences(of: "STATS", with: "/usr/bin/time -f %M -o '\(record)' \"$SYNCTRACE\" stats"))
            #expect(result.status == 0, "\(result.standardError)")
            return try #require(Int(try String(contentsOfFile: record, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let fromFile = try peak("STATS '\(text)' > /dev/null")
        let fromPipe = try peak("cat '\(text)' | STATS - > /dev/null")
        // Reading the whole input first would add its 35 MB; streaming adds nothing but noise.
        #expect(size > 30_000_000)
        #expect(fromPipe < fromFile + 10_000, "peak \(fromPipe) kB from a pipe, \(fromFile) kB from the file")
    }
}
