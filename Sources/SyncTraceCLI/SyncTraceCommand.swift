import ArgumentParser
import SyncTraceFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `synctrace` tool: convert, dump and inspect SyncTrace traces.
///
/// Exit status (``ExitStatus``): 0 on success; for `analyze`, 0 no findings in a whole trace, 1
/// findings (or the status `--exit-code` chose), 3 a trace cut short whose analysed part has no
/// findings; 2 for bad usage or an unusable input: unreadable, malformed, or holding no trace (an
/// empty file, `/dev/null`, a binary trace cut inside its first frame), with a one-line reason on
/// stderr; 4 for an output that could not be written. A binary trace cut short later is no error:
/// `analyze` uses its consistent cut, the other verbs every event of its complete frames (and exit
/// 0), and a warning on stderr says how it ended.
struct SyncTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synctrace",
        abstract: "Record-and-replay analysis of concurrent Swift programs: inspect and convert traces.",
        discussion: """
            A trace is either binary (LZ4 frames, as the recorder writes it) or text (one event per \
            line, a superset of RAPID's STD format). Every verb reads both, telling them apart by content.

            Exit status, the same for every verb: 0 success (analyze: no findings in a whole \
            trace); 1 findings (analyze --exit-code N makes it N: 0, 1 or 5-125); 2 bad usage (a \
            wrong argument or option, an output that would replace the input) or no usable trace \
            (unreadable, malformed, or holding no trace: 0 bytes, /dev/null, an empty stdin, a binary \
            trace cut inside its first frame, a text file without an event line); 3 analyze of a \
            trace cut short whose analysed part has no findings; 4 the output could not be written \
            (--output, convert's OUT, generate's file, or stdout). stats, dump and convert of a trace \
            cut short or ended by a signal exit 0 and say how it ended (stats in its output, all of \
            them on stderr). A TRACE of `-` is standard input.

            Examples:
              synctrace analyze app.synctrace
              synctrace stats app.synctrace
              synctrace dump app.synctrace | less
              synctrace convert racy-counter.std racy-counter.synctrace
            """,
        version: ToolVersion.current,
        subcommands: [
            AnalyzeCommand.self, PluginsCommand.self, ReportCommand.self, ExportCommand.self, ConvertCommand.self, DumpCommand.self, StatsCommand.self, GenerateCommand.self,
        ]
    )

    /// Parses the arguments and runs the verb, mapping a failure to its status (``CommandFailure``;
    /// the parser's own errors are bad usage, 2).
    static func run(arguments: [String]) -> Never {
        do {
            var command = try Self.parseAsRoot(arguments)
            try command.run()
        } catch let failure as CommandFailure {
            StandardStream.error.write("synctrace: \(failure.reason)\n")
            terminate(failure.status)
        } catch let exit as ExitCode {
            terminate(exit.rawValue)
        } catch {
            if Self.exitCode(for: error) == .success {
                StandardStream.output.write(Self.fullMessage(for: error) + "\n")
                terminate(0)
            }
            StandardStream.error.write(Self.fullMessage(for: error) + "\n")
            terminate(2)
        }
        terminate(0)
    }
}
