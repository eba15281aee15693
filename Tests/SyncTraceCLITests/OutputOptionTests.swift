import Foundation
import SyncTraceFormat
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `--output FILE` on `analyze`, `dump` and `stats`: the file gets what stdout would have, whole or
/// not at all; a path that cannot be written is status 4 with the reason and leaves nothing behind.
@Suite("--output")
struct OutputOptionTests {
    @Test("analyze --output writes the report to the file, nothing to stdout, and keeps the findings' status")
    func analyzeToFile() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        let report = directory.path("report.txt")
        let printed = try CommandRunner.run("analyze", path, "--plugin", "race")
        let written = try CommandRunner.run("analyze", path, "--plugin", "race", "--output", report)
        #expect(written.status == 1, "\(written.standardError)")
        #expect(written.standardOutput.isEmpty)
        #expect(written.standardError.isEmpty)
        #expect(try String(contentsOfFile: report, encoding: .utf8) == printed.standardOutput)
        // Only the report is left in the directory: no temporary file.
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory.url.path)) == ["racy.trace", "report.txt"])
    }

    @Test("analyze --format json -o replaces an existing file; `-o -` is stdout")
    func jsonReplacesFile() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        let report = try directory.write("report.json", "old contents\n")
        let result = try CommandRunner.run("analyze", path, "--format", "json", "-o", report)
        #expect(result.status == 1)
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        #expect(root?["findings"] is [Any])
        let dash = try CommandRunner.run("analyze", path, "--format", "json", "-o", "-")
        #expect(dash.status == 1)
        #expect(dash.standardOutput.hasPrefix("{"))
    }

    @Test("dump --output and stats --output write what stdout would show")
    func dumpAndStats() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        for verb in ["dump", "stats"] {
            let file = directory.path("\(verb).txt")
            let printed = try CommandRunner.run(verb, path)
            let written = try CommandRunner.run(verb, path, "--output", file)
            #expect(written.status == 0, "\(verb): \(written.standardError)")
            #expect(written.standardOutput.isEmpty)
            #expect(try String(contentsOfFile: file, encoding: .utf8) == printed.standardOutput, "\(verb)")
        }
    }

    @Test("a path that is a directory: status 4, the reason, no file made beside it")
    func directory() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        let target = directory.path("reports")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        for verb in ["analyze", "dump", "stats"] {
            let result = try CommandRunner.run(verb, path, "--output", target)
            #expect(result.status == 4, "\(verb)")
            #expect(result.standardError == "synctrace: cannot write \(target): it is a directory\n", "\(verb)")
            #expect(result.standardOutput.isEmpty)
        }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory.url.path)) == ["racy.trace", "reports"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)
    }

    @Test("an empty output path is bad usage (2), for --output and for convert's OUT")
    func emptyPath() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        for arguments in [["analyze", path, "--output", ""], ["convert", path, ""]] {
            let result = try CommandRunner.run(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.standardError == "synctrace: the output path is empty; give a file name, or - for stdout\n")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["racy.trace"])
    }

    @Test("a directory that does not exist, and one that is a file: status 4 with the system's reason")
    func missingDirectory() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        let missing = directory.path("no-such-dir/report.txt")
        let result = try CommandRunner.run("analyze", path, "--output", missing)
        #expect(result.status == 4)
        #expect(result.standardError == "synctrace: cannot write \(missing): No such file or directory\n")
        let underFile = path + "/report.txt"
        let notDirectory = try CommandRunner.run("stats", path, "--output", underFile)
        #expect(notDirectory.status == 4)
        #expect(notDirectory.standardError == "synctrace: cannot write \(underFile): Not a directory\n")
    }

    @Test(
        "a directory no one may write in (sysfs; root writes anywhere else): status 4, Permission denied",
        .enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel"), "needs Linux's sysfs")
    )
    func unwritableDirectory() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        let result = try CommandRunner.run("analyze", path, "--output", "/sys/synctrace-report.txt")
        #expect(result.status == 4)
        #expect(result.standardError == "synctrace: cannot write /sys/synctrace-report.txt: Permission denied\n")
        #expect(result.standardOutput.isEmpty)
    }

    @Test("a read-only directory, for a user other than root", .enabled(if: geteuid() != 0, "root may write in a read-only directory"))
    func readOnlyDirectory() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        let locked = directory.path("locked")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o555])
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked) }
        let result = try CommandRunner.run("dump", path, "--output", locked + "/out.trace")
        #expect(result.status == 4)
        #expect(result.standardError == "synctrace: cannot write \(locked)/out.trace: Permission denied\n")
    }

    @Test("an analysis that fails leaves an existing output file as it was, and no temporary file")
    func failureKeepsOldFile() throws {
        let directory = try TemporaryDirectory()
        let bad = try directory.write("bad.trace", "T0|acq(L)\nT0|frob(L)\n")
        let report = try directory.write("report.txt", "the previous report\n")
        let result = try CommandRunner.run("analyze", bad, "--output", report)
        #expect(result.status == 2)
        #expect(try String(contentsOfFile: report, encoding: .utf8) == "the previous report\n")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory.url.path)) == ["bad.trace", "report.txt"])
    }

    @Test("a device is written in place, not replaced: --output /dev/null")
    func device() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        let result = try CommandRunner.run("analyze", path, "--output", "/dev/null")
        #expect(result.status == 1)
        #expect(result.standardOutput.isEmpty)
        var status = stat()
        #expect(stat("/dev/null", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR, "/dev/null is still a device")
    }

    @Test(
        "stdout that cannot be written (a full disk behind >) is status 4, not a silently short report",
        .enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full")
    )
    func fullStandardOutput() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        for verb in ["analyze", "dump", "stats"] {
            let result = try CommandRunner.shell("\"$SYNCTRACE\" \(verb) '\(path)' > /dev/full")
            #expect(result.status == 4, "\(verb)")
            #expect(result.standardError == "synctrace: cannot write standard output: No space left on device\n", "\(verb)")
        }
    }

    @Test("an output that is the trace itself, or a link to it, is refused (2) and the trace kept")
    func outputIsTheTrace() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        let link = directory.path("link.trace")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        for (verb, output) in [("analyze", path), ("dump", link), ("stats", path)] {
            let result = try CommandRunner.run(verb, path, "--output", output)
            #expect(result.status == 2, "\(verb)")
            #expect(result.standardError.hasPrefix("synctrace: refusing to write the output to \(output): "), "\(result.standardError)")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == AnalyzeCommandTests.racy)
    }
}
