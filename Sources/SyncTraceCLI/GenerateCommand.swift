import ArgumentParser
import SyncTraceFormat
import SyncTraceTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `synctrace generate OUT --events N`: write a reproducible synthetic binary trace, for benchmarks
/// and tests of the replay.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a reproducible synthetic binary trace of a lock-heavy program (for benchmarks and tests).",
        discussion: """
            A main thread forks the workers and joins them at the end; in between, the workers loop \
            over critical sections (acq(L), reads and writes of a few variables that L guards, \
            rel(L)); variable v is guarded by lock v % locks. About 60 accesses per million are made \
            without the lock: those are the data races `synctrace analyze` should report. Sequence \
            numbers interleave across threads as contention makes them, and each worker's events are \
            written in batches of about 4096 when its buffer fills, out of step with the other \
            threads, as the recorder writes them. The trace is written streaming (memory stays small \
            whatever --events is); the same arguments always give the same file. It is written to a \
            temporary file and renamed, so OUT is whole or absent; an OUT that cannot be written \
            exits with status 4.

            Examples:
              synctrace generate replay-10m.synctrace --events 10000000
              synctrace generate small.synctrace --events 100000 --threads 4 --locks 8 --variables 100 --seed 7
            """
    )

    @Argument(help: "Where to write the binary trace.")
    var output: String

    @Option(help: "The exact number of events to write.")
    var events: Int

    @Option(help: "Worker threads (besides the main thread).")
    var threads: Int = 8

    @Option(help: "Locks; lock L guards the variables v with v % locks == L.")
    var locks: Int = 64

    @Option(help: "Shared variables.")
    var variables: Int = 10_000

    @Option(help: "The seed of the pseudo-random choices.")
    var seed: UInt64 = 1

    func validate() throws {
        if let problem = self.generatorConfiguration.problem {
            throw ValidationError(problem)
        }
    }

    private var generatorConfiguration: SyntheticTraceGenerator.Configuration {
        SyntheticTraceGenerator.Configuration(
            events: self.events,
            threads: self.threads,
            locks: self.locks,
            variables: self.variables,
            seed: self.seed
        )
    }

    func run() throws {
        let generator = SyntheticTraceGenerator(configuration: self.generatorConfiguration)
        let destination = try OutputFile.destination(self.output)
        let file = destination.isReplacedWhole ? try OutputFile.temporaryPath(for: destination) : destination.target
        let summary: SyntheticTraceGenerator.Summary
        do throws(TraceIOError) {
            summary = try generator.write(toPath: file)
        } catch {
            if destination.isReplacedWhole { unlink(file) }
            throw CommandFailure.cannotWrite(self.output, error.reason)
        }
        if destination.isReplacedWhole { try OutputFile.moveIntoPlace(file, destination) }
        StandardStream.output.write(
            "wrote \(self.output): \(summary.events) events in \(summary.batches) batches, "
                + "\(summary.accesses) accesses of which \(summary.racyAccesses) without their lock\n"
        )
    }
}
