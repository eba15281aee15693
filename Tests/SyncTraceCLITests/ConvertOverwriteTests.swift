import Foundation
import SyncTraceFormat
import Testing

/// `synctrace convert IN OUT` never overwrites IN: not by the same path, nor through a symbolic link,
/// nor a hard link (the same device and inode) — bad usage, status 2, IN untouched.
@Suite("convert refuses to overwrite its input")
struct ConvertOverwriteTests {
    /// Runs `convert input output`, expects the refusal, and checks that `input` still holds `contents`.
    func expectRefused(_ input: String, _ output: String, contents: String, saying how: String) throws {
        let result = try CommandRunner.run("convert", input, output)
        #expect(result.status == 2)
        #expect(result.standardOutput.isEmpty)
        #expect(
            result.standardError
                == "synctrace: refusing to write the converted trace to \(output): \(how), and the input would be lost; give another output path\n"
        )
        #expect(try String(contentsOfFile: input, encoding: .utf8) == contents, "the input is unchanged")
    }

    @Test("the same path, also spelled differently")
    func samePath() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("x.std", ConvertCommandTests.trace)
        try self.expectRefused(path, path, contents: ConvertCommandTests.trace, saying: "it is the input itself")
        let respelled = directory.url.path + "/./x.std"
        try self.expectRefused(path, respelled, contents: ConvertCommandTests.trace, saying: "it is the input itself")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["x.std"])
    }

    @Test("a symbolic link to the input (either way round), and a hard link to it")
    func links() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("x.std", ConvertCommandTests.trace)
        let symbolic = directory.path("symbolic.synctrace")
        try FileManager.default.createSymbolicLink(atPath: symbolic, withDestinationPath: "x.std")
        let hard = directory.path("hard.synctrace")
        try FileManager.default.linkItem(atPath: path, toPath: hard)
        let cases = [
            (path, symbolic, "\(symbolic) is a symbolic link to \(path)"),
            (symbolic, path, "\(symbolic) is a symbolic link to \(path)"),
            (path, hard, "\(hard) is a hard link to \(path) (the same file)"),
        ]
        for (input, output, how) in cases {
            try self.expectRefused(input, output, contents: ConvertCommandTests.trace, saying: how)
        }
    }

    @Test("a new path, and an existing other file, are converted as before")
    func otherPaths() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("x.std", ConvertCommandTests.trace)
        let fresh = directory.path("x.synctrace")
        let result = try CommandRunner.run("convert", path, fresh)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(TraceFile.isBinary(prefix: try Data(contentsOf: URL(fileURLWithPath: fresh))))
        let other = try directory.write("other.trace", "old\n")
        let replaced = try CommandRunner.run("convert", fresh, other)
        #expect(replaced.status == 0, "\(replaced.standardError)")
        #expect(try String(contentsOfFile: other, encoding: .utf8).hasSuffix("T0|r(x)|main.swift:13\n"))
    }
}

extension ConvertOverwriteTests {
    @Test("standard input redirected from the output file: convert - x.std < x.std is refused too")
    func standardInputFromOutput() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("x.std", ConvertCommandTests.trace)
        let result = try CommandRunner.shell("\"$SYNCTRACE\" convert - '\(path)' < '\(path)'")
        #expect(result.status == 2)
        #expect(
            result.standardError
                == "synctrace: refusing to write the converted trace to \(path): standard input is read from that file, and the input would be lost; give another output path\n"
        )
        #expect(try String(contentsOfFile: path, encoding: .utf8) == ConvertCommandTests.trace)
    }
}
