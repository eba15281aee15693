import ArgumentParser

/// `--output FILE`, shared by the verbs that print a report or text (`analyze`, `dump`, `stats`).
struct OutputOptions: ParsableArguments {
    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Write the output to this file instead of stdout (`-`: stdout). It appears whole or not at all.",
            valueName: "file"
        )
    )
    var output: String?

    /// The output, checked and opened before any trace is read; refuses a file that is `input`.
    func open(refusingToOverwrite input: String) throws(CommandFailure) -> TextOutput {
        if let output = self.output {
            try OutputFile.refuseOverwriting(input: input, with: output)
        }
        return try TextOutput(self.output)
    }

    /// The help's paragraph on `--output` and the statuses it adds, for every verb that has it.
    static let discussion = """
        --output FILE writes to FILE instead of stdout: into a temporary file beside it, renamed over \
        it when complete, so FILE never holds half an output (a device or FIFO such as /dev/null is \
        written in place). A FILE that is the trace read (the same path, a link to it) is refused \
        (status 2); one that cannot be written — its directory missing or read-only, a directory, a \
        full disk, on stdout too — fails with the reason and status 4, and leaves no file behind.
        """
}
