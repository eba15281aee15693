import Testing

@Suite("synctrace usage and exit status")
struct UsageTests {
    @Test("--help on every verb succeeds and shows an example", arguments: [[], ["convert"], ["dump"], ["stats"], ["analyze"], ["plugins"]])
    func help(verb: [String]) throws {
        let result = try CommandRunner.run(verb + ["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("Example"))
        #expect(result.standardOutput.contains("USAGE"))
    }

    @Test(
        "bad usage exits with status 2 and says why on stderr",
        arguments: [
            ["frobnicate"],
            ["convert", "only-one-argument"],
            ["dump"],
            ["stats", "x", "--format", "yaml"],
            ["convert", "a", "b", "--to", "pdf"],
        ]
    )
    func badUsage(arguments: [String]) throws {
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 2)
        #expect(!result.standardError.isEmpty)
        #expect(result.standardOutput.isEmpty)
    }

    @Test("a malformed text trace gives one line naming file and line, exit status 2")
    func malformed() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("bad.trace", "# header\nT0|acq(L)\nT0|frob(L)\n")
        for verb in ["dump", "stats"] {
            let result = try CommandRunner.run(verb, path)
            #expect(result.status == 2)
            #expect(result.standardError.hasPrefix("synctrace: \(path):3: unknown operation 'frob'"))
            #expect(result.standardError.split(separator: "\n").count == 1)
        }
    }
}
