import ArgumentParser
import Foundation
import SyncTraceFormat
import SyncTraceReplay

/// `synctrace stats TRACE`: what a trace holds and how compactly.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Summarize a trace: events by operation, threads, objects, size and how it ended.",
        discussion: """
            Reads the trace once, streaming, so it works on traces of any size. For a binary trace it \
            also reports the bytes per event and the compression ratio, and how the trace ended: \
            complete, the process died of a signal with every recorded event written, or cut short \
            (no end record: it reports how many events its complete frames held). The exit status is \
            0 whatever the ending (stats is no verdict; `synctrace analyze` exits 3 for a trace cut \
            short); JSON has `complete` (a clean ending only), `ending` ("complete", "signal" or \
            "cut short"), `signal` (its number, or null) and `ended` (the text line's wording). TRACE \
            `-` reads standard input, streamed (its bytes on disk are then the bytes read).

            --waits adds where threads waited, like go tool trace's synchronization blocking \
            profile: per lock, channel, wait group, semaphore and condition, the operations that \
            completed, how many waited (the recorder wrote a request first), the total and longest \
            wait, and the call sites that waited longest; threads the trace ends with still waiting \
            are counted apart. It replays the trace (a second pass: give a file, not standard \
            input). Waits are exact to the microsecond, the trace's unit.

            \(OutputOptions.discussion)

            Exit status: 0 summarized; 2 bad usage or no usable trace; 4 the output could not be written.

            Examples:
              synctrace stats app.synctrace
              synctrace stats app.synctrace --format json --output stats.json
              cat app.synctrace | synctrace stats -
            """
    )

    /// How to print the statistics.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The trace to summarize (binary or text; `-` for standard input).")
    var trace: String

    @Option(help: "Output format: text for people, json for tools.")
    var format: Format = .text

    @Flag(help: "Also profile where threads waited (replays the trace: a file, not standard input).")
    var waits = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if self.waits && self.trace == "-" {
            throw ValidationError("--waits replays the trace after reading it: give a file, not standard input")
        }
    }

    func run() throws {
        let output = try self.output.open(refusingToOverwrite: self.trace)
        let name = TraceOpening.name(self.trace)
        let source = try TraceOpening.open(self.trace)
        let form = source.form
        let statistics: TraceStatistics
        do {
            statistics = try TraceStatistics(reading: source)
        } catch {
            throw CommandFailure(error)
        }
        var profile: WaitProfile?
        if self.waits {
            let profiler = WaitProfiler()
            let again = try TraceOpening.open(self.trace)
            do {
                let report = try TraceAnalysis.run(source: again, plugins: [profiler], path: name)
                profile = WaitProfile(profiler.profile, symbols: report.symbols)
            } catch {
                throw CommandFailure(error)
            }
        }
        switch self.format {
        case .text: try output.write(Self.text(statistics, path: name, form: form) + (profile?.text ?? ""))
        case .json: try output.write(try Self.json(statistics, path: name, form: form, waits: profile) + "\n")
        }
        try output.finish()
        TraceOpening.warnAboutEnding(source, path: name)
    }

    static func ending(_ statistics: TraceStatistics) -> String {
        switch statistics.ending {
        case .open, .complete, .signal:
            return statistics.ending.summary
        case .truncated(let dropped) where dropped > 0:
            return "cut short after \(statistics.eventCount) events (\(dropped) bytes of an incomplete last frame dropped)"
        case .truncated:
            return "cut short after \(statistics.eventCount) events (no end record)"
        }
    }

    static func text(_ statistics: TraceStatistics, path: String, form: TraceFile.Form) -> String {
        var lines: [String] = []
        lines.append("trace:             \(path) (\(form))")
        if form == .binary {
            lines.append("program:           \(statistics.header.program.isEmpty ? "(unknown)" : statistics.header.program)")
        }
        lines.append("ended:             \(Self.ending(statistics))")
        lines.append("events:            \(statistics.eventCount)")
        if statistics.droppedEventCount > 0 {
            lines.append("dropped events:    \(statistics.droppedEventCount) (lost while recording; the trace is incomplete)")
        }
        let width = statistics.eventsByOperation.keys.map(\.textName.count).max() ?? 0
        for operation in TraceOperation.allCases {
            guard let count = statistics.eventsByOperation[operation] else { continue }
            let padding = String(repeating: " ", count: width - operation.textName.count)
            let share = Double(count) * 100 / Double(max(statistics.eventCount, 1))
            lines.append("  \(operation.textName)\(padding)  \(count) (\(String(format: "%.1f", share))%)")
        }
        lines.append("threads:           \(statistics.threadCount)")
        let objectCount = statistics.objectsByKind.values.reduce(0, +)
        let kinds = ObjectKind.allCases.compactMap { kind in statistics.objectsByKind[kind].map { "\(kind) \($0)" } }
        lines.append("objects:           \(objectCount)\(kinds.isEmpty ? "" : " (\(kinds.joined(separator: ", ")))")")
        lines.append("bytes on disk:     \(statistics.inputByteCount)")
        if let raw = statistics.recordByteCount {
            lines.append("bytes decoded:     \(raw)")
        }
        lines.append("bytes per event:   \(String(format: "%.2f", statistics.bytesPerEvent))")
        if let ratio = statistics.compressionRatio {
            lines.append("compression ratio: \(String(format: "%.2f", ratio))x")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The JSON form: a stable object that tools can read.
    struct JSONStatistics: Encodable {
        var trace: String
        var form: String
        var program: String
        /// "complete", "signal" or "cut short" (``TraceEnding/kind``).
        var ending: String
        /// True only for a clean ending.
        var complete: Bool
        /// The signal a signal handler's ending names, else null.
        var signal: Nullable<Int32>
        /// The ending in a phrase, as the text output says it.
        var ended: String
        var events: UInt64
        var droppedEvents: UInt64
        var eventsByOperation: [String: UInt64]
        var threads: Int
        var objects: Int
        var objectsByKind: [String: Int]
        var bytesOnDisk: Int
        var bytesDecoded: Int?
        var bytesPerEvent: Double
        var compressionRatio: Double?
        /// With `--waits`: the objects, longest total wait first.
        var waits: [WaitProfile.Object]?
    }

    static func json(_ statistics: TraceStatistics, path: String, form: TraceFile.Form, waits: WaitProfile? = nil) throws(CommandFailure) -> String {
        let value = JSONStatistics(
            trace: path,
            form: form.rawValue,
            program: statistics.header.program,
            ending: statistics.ending.kind,
            complete: statistics.ending == .complete,
            signal: Nullable(statistics.ending.signal),
            ended: Self.ending(statistics),
            events: statistics.eventCount,
            droppedEvents: statistics.droppedEventCount,
            eventsByOperation: Dictionary(
                uniqueKeysWithValues: statistics.eventsByOperation.map { ($0.key.textName, $0.value) }
            ),
            threads: statistics.threadCount,
            objects: statistics.objectsByKind.values.reduce(0, +),
            objectsByKind: Dictionary(uniqueKeysWithValues: statistics.objectsByKind.map { ($0.key.description, $0.value) }),
            bytesOnDisk: statistics.inputByteCount,
            bytesDecoded: statistics.recordByteCount,
            bytesPerEvent: statistics.bytesPerEvent,
            compressionRatio: statistics.compressionRatio,
            waits: waits?.objects
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw CommandFailure("cannot encode statistics as JSON: \(error)")
        }
    }
}
