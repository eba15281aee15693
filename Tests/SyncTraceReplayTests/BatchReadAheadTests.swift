import RaceDetector
import SyncTraceFormat
import Testing

@testable import SyncTraceReplay

/// The replay's input read ahead (`BatchReadAhead`): the same batches, each with the names declared
/// up to it, and a failure where reading failed, after the batches before it.
@Suite struct BatchReadAheadTests {
    /// A source that declares a thread and an object with each of its batches, then fails or ends.
    final class DeclaringSource: TraceEventSource {
        let batches: Int
        let failing: Bool
        var handedOut = 0
        var header: TraceHeader { TraceHeader(program: "declaring") }
        private(set) var symbols = TraceSymbols()
        var ending = TraceEnding.open
        var eventCount: UInt64 = 0
        var droppedEventCount: UInt64 { 0 }
        var inputByteCount: Int { 0 }
        var recordByteCount: Int? { nil }
        var form: TraceFile.Form { .text }
        var isOrdered: Bool { true }

        init(batches: Int, failing: Bool) {
            self.batches = batches
            self.failing = failing
        }

        func nextBatch(into events: inout [TraceEvent]) throws(TraceFormatError) -> Bool {
            events.removeAll()
            guard self.handedOut < self.batches else {
                if self.failing { throw TraceFormatError(file: "", position: .input, reason: "broken after \(self.handedOut)") }
                self.ending = .complete
                return false
            }
            let index = self.handedOut
            self.symbols.strings.append("name \(index)")
            self.symbols.threads.append(ThreadDeclaration(id: ThreadID(UInt32(index)), name: "T\(index)"))
            self.symbols.objects.append(ObjectDeclaration(id: ObjectID(UInt32(index)), kind: .variable, name: "V\(index)"))
            events.append(TraceEvent(.write, thread: ThreadID(UInt32(index)), object: ObjectID(UInt32(index))))
            self.handedOut += 1
            self.eventCount += 1
            return true
        }
    }

    @Test func eachBatchComesWithTheNamesDeclaredUpToIt() throws {
        let source = DeclaringSource(batches: 500, failing: false)
        let input = BatchReadAhead(next: { (events) throws(TraceFormatError) in try source.nextBatch(into: &events) }, symbols: { source.symbols })
        var events: [TraceEvent] = []
        var batch = 0
        var namesMatch = true
        while try input.nextBatch(into: &events) {
            let symbols = input.symbols
            if symbols.threads.count != batch + 1 || symbols.objects.count != batch + 1 || symbols.strings.count != batch + 1
                || symbols.threads[batch].name != "T\(batch)" || events.map(\.thread) != [ThreadID(UInt32(batch))]
            {
                namesMatch = false
            }
            batch += 1
        }
        #expect(namesMatch)
        #expect(batch == 500)
        // The source is the replay's again once the last batch is out.
        #expect(source.ending == .complete)
        let again = try input.nextBatch(into: &events)
        #expect(!again)
    }

    @Test func aFailureComesAfterTheBatchesBeforeIt() {
        let source = DeclaringSource(batches: 7, failing: true)
        let input = BatchReadAhead(next: { (events) throws(TraceFormatError) in try source.nextBatch(into: &events) }, symbols: { source.symbols })
        var events: [TraceEvent] = []
        var batches = 0
        var failure: TraceFormatError?
        do {
            while try input.nextBatch(into: &events) { batches += 1 }
        } catch {
            failure = error
        }
        #expect(batches == 7)
        #expect(failure?.reason == "broken after 7")
    }

    /// Through the whole replay: the race detector names the variables and threads of the batches.
    @Test func theReplayNamesWhatEachBatchDeclared() throws {
        let source = DeclaringSource(batches: 3, failing: false)
        let report = try TraceAnalysis.run(source: source, plugins: [RaceDetector()])
        #expect(report.trace.analysedEvents == 3)
        #expect(report.trace.threads == 3)
        #expect(report.trace.objects == 3)
    }
}
