import Foundation
import SyncTraceFormat
import Testing

/// `TraceFile` tells binary from text by content, whatever the file is called.
@Suite("Content detection")
struct ContentDetectionTests {
    @Test("a binary trace is binary under any extension, a text trace is text under any extension")
    func byContent() throws {
        let directory = try TemporaryDirectory()
        let binary = try TestTraces.binary(fromText: TextFormParsingTests.everyOperation)
        let text = TextFormParsingTests.everyOperation
        for name in ["a.synctrace", "a.std", "a.txt", "noextension"] {
            let binaryPath = directory.file("binary-" + name)
            try Data(binary).write(to: URL(fileURLWithPath: binaryPath))
            #expect(try TraceFile.form(ofFileAt: binaryPath) == .binary, "\(name)")
            let textPath = directory.file("text-" + name)
            try text.write(toFile: textPath, atomically: true, encoding: .utf8)
            #expect(try TraceFile.form(ofFileAt: textPath) == .text, "\(name)")
        }
    }

    @Test("TraceFile.open picks the reader the content calls for, and both give the same events")
    func openEither() throws {
        let directory = try TemporaryDirectory()
        let binaryPath = directory.file("trace.txt")
        let textPath = directory.file("trace.synctrace")
        try Data(try TestTraces.binary(fromText: TextFormParsingTests.everyOperation)).write(to: URL(fileURLWithPath: binaryPath))
        try TextFormParsingTests.everyOperation.write(toFile: textPath, atomically: true, encoding: .utf8)
        let fromBinary = try TraceFile.open(path: binaryPath)
        let fromText = try TraceFile.open(path: textPath)
        #expect(fromBinary is BinaryTraceReader)
        #expect(fromText is TextTraceReader)
        let binaryRead = try TestTraces.readAll(fromBinary)
        let textRead = try TestTraces.readAll(fromText)
        #expect(binaryRead.events == textRead.events)
        #expect(binaryRead.symbols == textRead.symbols)
    }

    @Test("short and empty files are text; an LZ4 skippable frame starts a binary trace")
    func prefixes() throws {
        #expect(TraceFile.isBinary(prefix: [UInt8]()) == false)
        #expect(TraceFile.isBinary(prefix: [0x04, 0x22, 0x4D]) == false)
        #expect(TraceFile.isBinary(prefix: [0x04, 0x22, 0x4D, 0x18]) == true)
        #expect(TraceFile.isBinary(prefix: [0x50, 0x2A, 0x4D, 0x18, 0x00]) == true)
        #expect(TraceFile.isBinary(prefix: [0x5F, 0x2A, 0x4D, 0x18]) == true)
        #expect(TraceFile.isBinary(prefix: Array("T0|w(x)".utf8)) == false)
        let directory = try TemporaryDirectory()
        let empty = directory.file("empty.synctrace")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect(try TraceFile.form(ofFileAt: empty) == .text)
    }

    @Test("a missing file is an error that names it")
    func missingFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("missing.synctrace")
        do {
            _ = try TraceFile.form(ofFileAt: path)
            Issue.record("no error for a missing file")
        } catch {
            #expect(error.description.hasPrefix("\(path): cannot open \(path)"))
        }
    }
}
