import Foundation
import SyncTraceFormat
import Testing

@Suite("synctrace convert")
struct ConvertCommandTests {
    static let trace = """
        T0|fork(T1)|main.swift:9
        T0|chan(C, 1)|main.swift:10
        T1|acq(L)|worker.swift:3
        T1|w(x)|worker.swift:4
        T1|rel(L)|worker.swift:5
        T1|send(C)
        T0|recv(C)|main.swift:11
        T0|wgadd(W, 2)
        T0|join(T1)|main.swift:12
        T0|r(x)|main.swift:13

        """

    @Test("text → binary → text gives back the same events in the same order")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        let text = try directory.write("in.trace", Self.trace)
        let binary = directory.path("out.synctrace")
        let back = directory.path("back.trace")

        let toBinary = try CommandRunner.run("convert", text, binary)
        #expect(toBinary.status == 0, "\(toBinary.standardError)")
        #expect(TraceFile.isBinary(prefix: try Data(contentsOf: URL(fileURLWithPath: binary))))

        let toText = try CommandRunner.run("convert", binary, back)
        #expect(toText.status == 0, "\(toText.standardError)")
        let lines = try String(contentsOfFile: back, encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }
        let original = Self.trace.split(separator: "\n")
        #expect(lines == original)
    }

    @Test("the input's form comes from its content, not its extension")
    func detectsFormByContent() throws {
        let directory = try TemporaryDirectory()
        let text = try directory.write("looks-binary.synctrace", "T0|acq(L)\nT0|rel(L)\n")
        let binary = directory.path("looks-text.txt")
        #expect(try CommandRunner.run("convert", text, binary).status == 0)
        let dumped = try CommandRunner.run("convert", binary, "-")
        #expect(dumped.status == 0)
        #expect(dumped.standardOutput.contains("T0|acq(L)\nT0|rel(L)\n"))
    }

    @Test("--to text writes text even from text; a binary trace is never written to stdout")
    func explicitForm() throws {
        let directory = try TemporaryDirectory()
        let text = try directory.write("in.trace", "T0|w(x)|a.swift:1\n")
        let out = directory.path("out.trace")
        #expect(try CommandRunner.run("convert", text, out, "--to", "text").status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasSuffix("T0|w(x)|a.swift:1\n"))

        let refused = try CommandRunner.run("convert", text, "-")
        #expect(refused.status == 2)
        #expect(refused.standardError.contains("binary trace to stdout"))
    }

    @Test("a malformed input fails with its line, exit status 2, and leaves no output file")
    func malformedInput() throws {
        let directory = try TemporaryDirectory()
        let text = try directory.write("bad.trace", "T0|acq(L)\nT1|rel(L)\n")
        let out = directory.path("out.synctrace")
        let result = try CommandRunner.run("convert", text, out)
        #expect(result.status == 2)
        #expect(result.standardError == "synctrace: \(text):2: rel(L) by T1, which does not hold L\n")
        #expect(!FileManager.default.fileExists(atPath: out))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.url.path)
        #expect(leftovers == ["bad.trace"])
    }

    @Test("an unwritable output path fails with exit status 4 (output not written) and a reason")
    func unwritableOutput() throws {
        let directory = try TemporaryDirectory()
        let text = try directory.write("in.trace", "T0|w(x)\n")
        let result = try CommandRunner.run("convert", text, "/nonexistent-dir/out.synctrace")
        #expect(result.status == 4)
        #expect(result.standardError.hasPrefix("synctrace: cannot write /nonexistent-dir/out.synctrace:"))
    }

    @Test("a missing input fails with exit status 2 and a reason")
    func missingInput() throws {
        let result = try CommandRunner.run("convert", "/nonexistent/in.trace", "/tmp/unused.synctrace")
        #expect(result.status == 2)
        #expect(result.standardError.contains("/nonexistent/in.trace"))
        #expect(result.standardError.contains("No such file or directory"))
        #expect(result.standardError.split(separator: "\n").count == 1)
    }
}
