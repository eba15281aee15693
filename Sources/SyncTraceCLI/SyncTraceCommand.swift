import ArgumentParser
import SyncTraceFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `synctrace` tool: convert, dump and inspect SyncTrace traces.
///
/// Exit status: 0 on success, 2 for bad usage or an unreadable or malformed input (with a one-line
/// reason on stderr). A truncated binary trace is not an error: its complete frames are used and a
/// warning says how much was lost.
struct SyncTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synctrace",
        abstract: "Record-and-replay analysis of concurrent Swift programs: inspect and convert traces.",
        discussion: """
            A trace is either binary (LZ4 frames, as the recorder writes it) or text (one event per \
            line, a superset of RAPID's STD format). Every verb reads both, telling them apart by content.

            Examples:
              synctrace analyze app.synctrace
              synctrace stats app.synctrace
              synctrace dump app.synctrace | less
              synctrace convert racy-counter.std racy-counter.synctrace
            """,
        subcommands: [AnalyzeCommand.self, PluginsCommand.self, ConvertCommand.self, DumpCommand.self, StatsCommand.self, GenerateCommand.self]
    )

    /// Parses the arguments and runs the verb, mapping every failure to exit status 2.
    static func run(arguments: [String]) -> Never {
        do {
            var command = try Self.parseAsRoot(arguments)
            try command.run()
        } catch let failure as CommandFailure {
            StandardStream.error.write("synctrace: \(failure.reason)\n")
            terminate(2)
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

/// A failure the tool reports in one line and exit status 2.
struct CommandFailure: Error {
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    init(_ error: some CustomStringConvertible) {
        self.reason = error.description
    }
}
