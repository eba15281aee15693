import ArgumentParser
import SyncTraceFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `synctrace convert IN OUT`: text form to binary, or binary to text form.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a trace between the text form and the binary form.",
        discussion: """
            The input's form is read from its content (a binary trace starts with the LZ4 frame \
            magic number), whatever its extension; the output gets the other form unless --to says \
            otherwise. The output is written to a temporary file and renamed into place, so a failed \
            conversion never leaves a half-written OUT. OUT may be `-` for text on stdout, IN `-` for \
            standard input (streamed; its form is told from its first bytes).

            convert never overwrites its input: an OUT that is IN — the same path, a symbolic link to \
            it or from it, a hard link to it (the same device and inode) — is refused with exit \
            status 2 before anything is written, and IN stays as it was.

            A binary trace cut short converts up to its consistent cut, and a binary output of it is \
            cut short too (no end record), so that it never reads as a clean run; one that ended by a \
            signal keeps its signal. The text form has no end record: a warning on stderr says how the \
            input ended. The exit status is 0 either way.

            Exit status: 0 converted; 2 bad usage (OUT would replace IN, a binary OUT on stdout) or no \
            usable trace; 4 OUT could not be written (its directory missing or read-only, a \
            directory, a full disk), with no OUT left behind.

            Examples:
              synctrace convert racy-counter.std racy-counter.synctrace
              synctrace convert app.synctrace app.trace
              synctrace convert app.synctrace - --to text | grep acq
              ssh build-host cat app.trace | synctrace convert - app.synctrace
            """
    )

    /// The form to write.
    enum OutputForm: String, ExpressibleByArgument, CaseIterable {
        case binary, text
    }

    @Argument(help: "The trace to read (binary or text; `-` for standard input).")
    var input: String

    @Argument(help: "Where to write the converted trace (`-` for stdout, text only).")
    var output: String

    @Option(name: .long, help: "The form to write (default: the other form than the input's).")
    var to: OutputForm?

    func run() throws {
        if self.output == "-" && self.to == .binary {
            throw CommandFailure("refusing to write a binary trace to stdout; give a file name")
        }
        try OutputFile.refuseOverwriting(input: self.input, with: self.output, role: "the converted trace")
        // The form is the source's: reading standard input's first bytes twice is not possible.
        let source = try TraceOpening.open(self.input, ordered: true)
        let outputForm = self.to ?? (source.form == .binary ? .text : .binary)
        if self.output == "-" && outputForm == .binary {
            throw CommandFailure("refusing to write a binary trace to stdout; give a file name")
        }
        switch outputForm {
        case .binary: try self.writeBinary(from: source)
        case .text: try self.writeText(from: source)
        }
        TraceOpening.warnAboutEnding(source, path: TraceOpening.name(self.input), used: "converted")
    }

    private func writeBinary(from source: any TraceEventSource) throws(CommandFailure) {
        let destination = try OutputFile.destination(self.output)
        // A device or FIFO is written in place; a file is replaced whole.
        let file = destination.isReplacedWhole ? try OutputFile.temporaryPath(for: destination) : destination.target
        let writer: TraceWriter
        do {
            writer = try TraceWriter(path: file, header: source.header)
        } catch {
            if destination.isReplacedWhole { unlink(file) }
            throw .cannotWrite(self.output, error.reason)
        }
        do {
            try TraceConversion.copy(source, to: writer)
        } catch {
            if destination.isReplacedWhole { unlink(file) }
            throw CommandFailure(conversion: error)
        }
        if destination.isReplacedWhole { try OutputFile.moveIntoPlace(file, destination) }
    }

    private func writeText(from source: any TraceEventSource) throws(CommandFailure) {
        let output = try TextOutput(self.output)
        try output.printText(of: source)
        try output.finish()
    }
}
