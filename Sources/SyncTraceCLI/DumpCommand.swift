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
            end record: analyse the binary trace, not its dump, to keep the ending.

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
        TraceOpening.warnAboutEnding(source, path: self.trace, used: "printed")
    }
}
