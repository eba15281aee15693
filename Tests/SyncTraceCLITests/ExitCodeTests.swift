import Foundation
import Testing

/// `synctrace analyze --exit-code N`: the status for findings, and only for findings — a clean
/// trace still exits 0, a trace cut short without findings still 3, and N may not be a status that
/// means something else.
@Suite("analyze --exit-code")
struct ExitCodeTests {
    @Test("findings exit with the status chosen: 0, 1 (the default), 5, 125", arguments: [Int32(0), 1, 5, 125])
    func findings(status: Int32) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        let result = try CommandRunner.run("analyze", path, "--exit-code", String(status))
        #expect(result.status == status, "\(result.standardError)")
        #expect(result.standardOutput.contains("WARNING: DATA RACE"))
        #expect(result.standardError.isEmpty)
    }

    @Test("without --exit-code findings exit 1")
    func defaultStatus() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        #expect(try CommandRunner.run("analyze", path).status == 1)
    }

    @Test("a clean trace exits 0 whatever --exit-code says")
    func clean() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("fixed.trace", AnalyzeCommandTests.fixed)
        let result = try CommandRunner.run("analyze", path, "--exit-code", "7")
        #expect(result.status == 0)
        #expect(result.standardOutput.hasSuffix("No findings.\n"))
    }

    @Test("a trace cut short with no findings exits 3 even with --exit-code 0: a cut trace never passes for a clean run")
    func cutShortClean() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("cut.synctrace")
        try TraceFixtures.cutBeforeRelease(path: path)
        for status in ["0", "5"] {
            let result = try CommandRunner.run("analyze", path, "--exit-code", status)
            #expect(result.status == 3, "--exit-code \(status): \(result.standardError)")
            #expect(result.standardError.contains("was cut short"))
        }
    }

    @Test("a trace cut short with findings exits with the findings' status")
    func cutShortWithFindings() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("racy-cut.synctrace")
        try TraceFixtures.racyWrites(path: path, ending: .cutShort)
        let result = try CommandRunner.run("analyze", path, "--exit-code", "9", "--plugin", "race")
        #expect(result.status == 9, "\(result.standardError)")
        #expect(result.standardOutput.contains("WARNING: DATA RACE"))
        #expect(result.standardError.contains("was cut short"))
        #expect(try CommandRunner.run("analyze", path, "--plugin", "race").status == 1)
    }

    @Test(
        "a status that means something else, is out of range or is not a number is bad usage (2), before any trace is read",
        arguments: ["2", "3", "4", "126", "255", "256", "-1", "abc", ""]
    )
    func invalid(value: String) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        let result = try CommandRunner.run("analyze", path, "--exit-code", value)
        #expect(result.status == 2)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError.contains("--exit-code"))
        if let number = Int(value), number >= 0 {
            // A number the parser took: the message says which statuses to choose and why.
            #expect(result.standardError.contains("choose 0, 1 or 5 to 125"), "\(result.standardError)")
        }
    }
}
