import ArgumentParser
import SyncTraceFormat

/// `synctrace dump TRACE`: print a trace in the text form.
struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print a trace in the text form, one event per line.",
        discussion: """
            The output parses back to the same events in the same order (`synctrace convert` turns \
            it into a binary trace again). Names that are not valid text-form names are sanitized, and \
            a `#` comment gives the original name and where the thread or object was created.

            A trace cut short (no end record) prints up to its consistent cut, the events before its \
            first gap, and says on stderr how many events were left out; one that ended by a signal \
            says so on stderr. The exit status is 0 either way: dump reports what the file holds, it \
            gives no verdict (`synctrace analyze` exits 3 for a trace cut short). The text form has no \
            end record: analyse the binary trace, not its dump, to keep the ending. TRACE `-` reads \
            standard input, streamed.

            \(OutputOptions.discussion)

            Exit status: 0 printed; 2 bad usage or no usable trace; 4 the output could not be written.

            Examples:
              synctrace dump app.synctrace > app.trace
              synctrace dump app.synctrace --output app.trace
              ssh build-host cat app.synctrace | synctrace dump -
            """
    )

    @Argument(help: "The trace to print (binary or text; `-` for standard input).")
    var trace: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let output = try self.output.open(refusingToOverwrite: self.trace)
        let source = try TraceOpening.open(self.trace, ordered: true)
        try output.printText(of: source)
        try output.finish()
        TraceOpening.warnAboutEnding(source, path: TraceOpening.name(self.trace), used: "printed")
    }
}
