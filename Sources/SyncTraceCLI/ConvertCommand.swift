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
            conversion never leaves a half-written OUT. OUT may be `-` for text on stdout.

            A binary trace cut short converts up to its consistent cut, and a binary output of it is \
            cut short too (no end record), so that it never reads as a clean run; one that ended by a \
            signal keeps its signal. The text form has no end record: a warning on stderr says how the \
            input ended. The exit status is 0 either way.

            Examples:
              synctrace convert racy-counter.std racy-counter.synctrace
              synctrace convert app.synctrace app.trace
              synctrace convert app.synctrace - --to text | grep acq
            """
    )

    /// The form to write.
    enum OutputForm: String, ExpressibleByArgument, CaseIterable {
        case binary, text
    }

    @Argument(help: "The trace to read (binary or text).")
    var input: String

    @Argument(help: "Where to write the converted trace (`-` for stdout, text only).")
    var output: String

    @Option(name: .long, help: "The form to write (default: the other form than the input's).")
    var to: OutputForm?

    func run() throws {
        let inputForm: TraceFile.Form
        do {
            inputForm = try TraceFile.form(ofFileAt: self.input)
        } catch {
            throw CommandFailure(error)
        }
        let outputForm = self.to ?? (inputForm == .binary ? .text : .binary)
        if self.output == "-" && outputForm == .binary {
            throw CommandFailure("refusing to write a binary trace to stdout; give a file name")
        }
        let source = try TraceOpening.open(self.input, ordered: true)
        switch outputForm {
        case .binary: try self.writeBinary(from: source)
        case .text: try self.writeText(from: source)
        }
        TraceOpening.warnAboutEnding(source, path: self.input, used: "converted")
    }

    private func writeBinary(from source: any TraceEventSource) throws(CommandFailure) {
        let temporary = try OutputFile.temporaryPath(for: self.output)
        let writer: TraceWriter
        do {
            writer = try TraceWriter(path: temporary, header: source.header)
        } catch {
            unlink(temporary)
            throw CommandFailure(error)
        }
        do {
            try TraceConversion.copy(source, to: writer)
        } catch {
            unlink(temporary)
            throw CommandFailure(error)
        }
        try OutputFile.moveIntoPlace(temporary, self.output)
    }

    private func writeText(from source: any TraceEventSource) throws(CommandFailure) {
        if self.output == "-" {
            do {
                try TraceConversion.printText(source) { text in StandardStream.output.write(text) }
            } catch {
                throw CommandFailure(error)
            }
            return
        }
        let temporary = try OutputFile.temporaryPath(for: self.output)
        guard let file = fopen(temporary, "w") else {
            throw CommandFailure(TraceIOError.system(path: temporary, "cannot create"))
        }
        do {
            try TraceConversion.printText(source) { (text) throws(TraceIOError) in
                var text = text
                let written = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) }
                guard written == text.utf8.count else { throw .system(path: temporary, "cannot write") }
            }
        } catch {
            fclose(file)
            unlink(temporary)
            throw CommandFailure(error)
        }
        guard fclose(file) == 0 else {
            unlink(temporary)
            throw CommandFailure(TraceIOError.system(path: temporary, "cannot write"))
        }
        try OutputFile.moveIntoPlace(temporary, self.output)
    }
}
