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

            Example:
              synctrace dump app.synctrace > app.trace
            """
    )

    @Argument(help: "The trace to print (binary or text).")
    var trace: String

    func run() throws {
        let source = try TraceOpening.open(self.trace, ordered: true)
        do {
            try TraceConversion.printText(source) { text in StandardStream.output.write(text) }
        } catch {
            throw CommandFailure(error)
        }
        TraceOpening.warnIfTruncated(source, path: self.trace)
    }
}
