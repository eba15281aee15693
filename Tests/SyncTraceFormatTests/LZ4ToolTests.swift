import Foundation
import SyncTraceFormat
import SyncTraceTestSupport
import Testing

/// The container is standard LZ4 frames: the `lz4` command-line tool decompresses a trace into its raw
/// record stream.
@Suite("lz4 command-line compatibility")
struct LZ4ToolTests {
    /// The `lz4` executable on `PATH`, if there is one.
    static let lz4Path: String? = {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/lz4" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    @Test(
        "lz4 -dc yields the raw record stream: it starts with SYTR and is as long as the reader decoded",
        .enabled(if: lz4Path != nil, "the lz4 command is not installed (Scripts/test.sh installs it: apt-get install lz4)")
    )
    func lz4Decompresses() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("random.synctrace")
        let trace = RandomTrace(seed: 7, eventCount: 5_000)
        let (memoryWriter, _) = try trace.write(frameContent: 4096, seed: 8)
        try Data(memoryWriter.bytes).write(to: URL(fileURLWithPath: path))

        let lz4 = URL(fileURLWithPath: try #require(Self.lz4Path))
        let decompressed = try ChildProcess.run(lz4, arguments: ["-dc", path])
        #expect(decompressed.status == 0, "lz4 -dc failed: \(decompressed.error)")
        let raw = decompressed.outputData

        let reader = try BinaryTraceReader(path: path)
        let read = try TestTraces.readAll(reader)
        #expect(read.ending == .complete)
        #expect(Array(raw.prefix(4)) == Array("SYTR".utf8))
        #expect(raw.count == read.recordByteCount)
        #expect(raw.count == memoryWriter.rawByteCount)
        #expect(read.inputByteCount == memoryWriter.bytes.count)
    }

    @Test(
        "a file the lz4 tool compressed from a raw stream reads as a trace",
        .enabled(if: lz4Path != nil, "the lz4 command is not installed (Scripts/test.sh installs it: apt-get install lz4)")
    )
    func lz4Compresses() throws {
        let directory = try TemporaryDirectory()
        let trace = try TestTraces.binary(fromText: TextFormParsingTests.everyOperation)
        let tracePath = directory.file("t.synctrace")
        let rawPath = directory.file("t.raw")
        let recompressed = directory.file("t2.synctrace")
        try Data(trace).write(to: URL(fileURLWithPath: tracePath))
        for arguments in [["-dq", tracePath, rawPath], ["-q", "--content-size", rawPath, recompressed]] {
            let result = try ChildProcess.run(URL(fileURLWithPath: try #require(Self.lz4Path)), arguments: arguments)
            #expect(result.status == 0, "lz4 \(arguments.joined(separator: " ")) failed: \(result.error)")
        }
        let original = try TestTraces.readBinary(trace)
        let read = try TestTraces.readAll(try BinaryTraceReader(path: recompressed))
        #expect(read.ending == .complete)
        #expect(read.events == original.events)
        #expect(read.symbols == original.symbols)
    }
}
