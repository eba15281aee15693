import Benchmark
import DeadlockDetector
import Foundation
import LostUpdateCounter
import RaceDetector
import SyncTraceFormat
import SyncTraceReplay

/// The text traces of the replay's scale targets (`BENCHMARKS.md`, "The replay"), written to
/// temporary files in setup: the synthetic 10M-event trace in RAPID's STD form (numeric locations,
/// no comment lines, so that RAPID reads the very same file), and three hostile shapes.
enum ScaleTrace {
    static func path(_ name: String) -> String {
        NSTemporaryDirectory() + "synctrace-scale-\(name)-\(getpid()).std"
    }

    /// Writes the lines `produce` hands to its argument (each without its newline) to the trace
    /// named `name`, a megabyte at a time.
    static func write(_ name: String, lines produce: (_ emit: (String) throws -> Void) throws -> Void) throws -> String {
        let path = Self.path(name)
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var chunk = ""
        try produce { line in
            chunk += line
            chunk += "\n"
            if chunk.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(chunk.utf8))
                chunk.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: Data(chunk.utf8))
        try handle.close()
        return path
    }

    /// Writes `lines` to the trace named `name`.
    static func write(_ name: String, lines: some Sequence<String>) throws -> String {
        try Self.write(name) { emit in
            for line in lines { try emit(line) }
        }
    }

    /// The name of the synthetic trace of `events` events.
    static func syntheticName(events: Int) -> String { "synthetic-\(events)" }

    /// The synthetic trace of `events` events (as `ReplayTrace`), ordered and printed in STD form
    /// with each distinct location numbered.
    static func writeSynthetic(events: Int) throws -> String {
        let binary = try ReplayTrace.write(events: events)
        defer { ReplayTrace.remove(events: events) }
        let ordering = TraceOrdering(source: try BinaryTraceReader(path: binary))
        var printer = TextFormPrinter()
        var locations: [String: Int] = [:]
        var batch: [TraceEvent] = []
        return try Self.write(Self.syntheticName(events: events)) { emit in
            while try ordering.nextBatch(into: &batch) {
                var text = ""
                for event in batch { printer.append(event, symbols: ordering.symbols, to: &text) }
                for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                    let fields = line.split(separator: "|", omittingEmptySubsequences: false)
                    let location = fields.count > 2 ? String(fields[2]) : ""
                    let number = locations[location] ?? locations.count
                    locations[location] = number
                    try emit("\(fields[0])|\(fields[1])|\(number)")
                }
            }
        }
    }

    static func remove(_ path: String) {
        unlink(path)
    }
}

/// Replays of the scale targets end to end (`TraceAnalysis.run(path:plugins:)`, as `synctrace analyze`
/// does), and where `RAPID_CLASSPATH` names a build of RAPID, its HBEpoch engine on the same text file
/// in the same run (see `BENCHMARKS.md` for building it).
func registerScaleBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .peakMemoryResident],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(20),
        maxIterations: 7
    )

    Benchmark("Replay 10M-event text trace (STD form, RaceDetector)", configuration: configuration) { _, path in
        do {
            let report = try TraceAnalysis.run(path: path, plugins: BuiltinPluginSet.race())
            precondition(report.trace.events == 10_000_000, "replayed \(report.trace.events) events")
            blackHole(report.findings.count)
        } catch {
            fatalError("replay failed: \(error)")
        }
    } setup: {
        try ScaleTrace.writeSynthetic(events: 10_000_000)
    } teardown: {
        ScaleTrace.remove(ScaleTrace.path(ScaleTrace.syntheticName(events: 10_000_000)))
    }

    Benchmark("Replay 10M-event text trace (STD form, RacePredictor)", configuration: configuration) { _, path in
        do {
            let report = try TraceAnalysis.run(path: path, plugins: [RacePredictor()])
            precondition(report.trace.events == 10_000_000, "replayed \(report.trace.events) events")
            blackHole(report.findings.count)
        } catch {
            fatalError("replay failed: \(error)")
        }
    } setup: {
        try ScaleTrace.writeSynthetic(events: 10_000_000)
    } teardown: {
        ScaleTrace.remove(ScaleTrace.path(ScaleTrace.syntheticName(events: 10_000_000)))
    }

    if let classpath = ProcessInfo.processInfo.environment["RAPID_CLASSPATH"], !classpath.isEmpty {
        // RAPID's engine for each of ours: WCP for the predictor, HBEpoch for the race detector.
        for engine in ["WCP", "HBEpoch"] {
            Benchmark("RAPID \(engine) on the same 10M-event text trace (java)", configuration: configuration) { _, path in
                let java = Process()
                java.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                java.arguments = ["java", "-cp", classpath, engine, "-f", "std", "-p", path]
                java.standardOutput = FileHandle.nullDevice
                java.standardError = FileHandle.nullDevice
                do {
                    try java.run()
                } catch {
                    fatalError("cannot run java: \(error)")
                }
                java.waitUntilExit()
                precondition(java.terminationStatus == 0, "RAPID failed (exit \(java.terminationStatus))")
            } setup: {
                try ScaleTrace.writeSynthetic(events: 10_000_000)
            } teardown: {
                ScaleTrace.remove(ScaleTrace.path(ScaleTrace.syntheticName(events: 10_000_000)))
            }
        }
    }

    let shapes: [(String, String, () -> AnySequence<String>, Bool)] = [
        (
            "100,000 threads, one write each (text, RaceDetector)", "threads",
            { AnySequence((0..<100_000).lazy.map { "T\($0)|w(V\($0 % 10))|1" }) }, true
        ),
        (
            "one thread holding 2,000 nested locks (text, all plugins)", "nested",
            { AnySequence((0..<2_000).map { "T0|acq(L\($0))|1" } + (0..<2_000).reversed().map { "T0|rel(L\($0))|2" }) }, false
        ),
        (
            "100,000 re-entrant acquisitions (text, all plugins)", "reentrant",
            { AnySequence([String](repeating: "T0|acq(L)|1", count: 100_000) + [String](repeating: "T0|rel(L)|2", count: 100_000)) }, false
        ),
    ]
    for (label, name, lines, raceOnly) in shapes {
        Benchmark("Replay \(label)", configuration: configuration) { _, path in
            do {
                let report = try TraceAnalysis.run(path: path, plugins: raceOnly ? BuiltinPluginSet.race() : BuiltinPluginSet.all())
                blackHole(report.findings.count)
            } catch {
                fatalError("replay failed: \(error)")
            }
        } setup: {
            try ScaleTrace.write(name, lines: lines())
        } teardown: {
            ScaleTrace.remove(ScaleTrace.path(name))
        }
    }
}

/// The plugin sets the scale benchmarks run, made fresh for each iteration.
enum BuiltinPluginSet {
    static func race() -> [any AnalysisPlugin] { [RaceDetector()] }
    static func all() -> [any AnalysisPlugin] { [RaceDetector(), DeadlockDetector(), LostUpdateCounter()] }
}
