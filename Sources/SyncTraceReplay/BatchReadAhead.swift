import Synchronization
import SyncTraceFormat

/// The replay's input read ahead on a thread of its own: the next batches of events, in the order
/// the replay takes them (a binary trace's through its ``TraceOrdering``), each with the names
/// declared up to it. So reading, decoding and ordering a trace run on one core while
/// happens-before and the plugins run on the other, and the replay goes at the pace of the slower
/// of the two instead of their sum.
///
/// What the replay sees does not change: the same batches in the same order, each with exactly
/// the names its source had declared when it was read, and an error where reading it failed. The
/// source (and ordering) belongs to the reading thread until the last batch has been handed out;
/// then it may be read again (its ending, its counts).
final class BatchReadAhead {
    /// One batch as the reading thread hands it over.
    private struct Batch {
        var events: [TraceEvent] = []
        /// Declarations that came with the batch: what the source declared since the batch before.
        var strings: [String] = []
        var threads: [ThreadDeclaration] = []
        var objects: [ObjectDeclaration] = []
        /// Why reading stopped, if it failed here.
        var failure: TraceFormatError?
        /// Whether this marks the end of the events (no batch).
        var isEnd = false
    }

    /// Batches read ahead, at most: enough that neither side waits for the other's hiccups, few
    /// enough that they stay in the cache they were written to.
    private static let capacity = 8

    private let ahead: ReadAheadThread<Batch>
    /// Event arrays the replay is done with, for the reading thread to fill again: their storage is
    /// reused rather than allocated (and faulted in) for every batch.
    private let spare = Spare()
    /// The names declared up to the last batch handed out (what the source's `symbols` said then).
    private(set) var symbols = TraceSymbols()

    /// Reads ahead with `next` (a source's or an ordering's `nextBatch(into:)`), and `symbols` (its
    /// names) after each batch.
    init(
        next: @escaping (inout [TraceEvent]) throws(TraceFormatError) -> Bool,
        symbols: @escaping () -> TraceSymbols
    ) {
        var declared = (strings: 0, threads: 0, objects: 0)
        let spare = self.spare
        self.ahead = ReadAheadThread(capacity: Self.capacity) {
            var batch = Batch()
            // An array of its own per batch (the one handed over belongs to the replay from then on),
            // one the replay gave back when there is one.
            batch.events = spare.take()
            do throws(TraceFormatError) {
                guard try next(&batch.events) else {
                    batch.isEnd = true
                    return (batch, true)
                }
            } catch {
                batch.failure = error
                return (batch, true)
            }
            // Only what is new is copied, into arrays of its own (a slice would share the source's
            // storage), and the source's table is let go of before it reads on: it appends to its
            // own copy, which must not be shared then (or every batch would copy all its names).
            let names = symbols()
            batch.strings = Array(names.strings[declared.strings...])
            batch.threads = Array(names.threads[declared.threads...])
            batch.objects = Array(names.objects[declared.objects...])
            declared = (names.strings.count, names.threads.count, names.objects.count)
            return (batch, false)
        }
    }

    /// Replaces `events` with the next batch; `false` at the end of the events.
    ///
    /// - Throws: the error reading that batch threw.
    func nextBatch(into events: inout [TraceEvent]) throws(TraceFormatError) -> Bool {
        guard let batch = self.ahead.next(), !batch.isEnd else { return false }
        if let failure = batch.failure { throw failure }
        self.symbols.strings.append(contentsOf: batch.strings)
        self.symbols.threads.append(contentsOf: batch.threads)
        self.symbols.objects.append(contentsOf: batch.objects)
        self.spare.giveBack(&events)
        events = batch.events
        return true
    }

    /// Arrays handed back and forth between the two threads, under a lock.
    private final class Spare: Sendable {
        /// How many are kept at most: one per batch that can be under way at once.
        private static let limit = BatchReadAhead.capacity + 2
        private let arrays = Mutex<[[TraceEvent]]>([])

        /// An empty array with room for a batch.
        func take() -> [TraceEvent] {
            var array = self.arrays.withLock { $0.popLast() } ?? []
            array.removeAll(keepingCapacity: true)
            array.reserveCapacity(4096)
            return array
        }

        /// Takes `array`'s storage (leaving it empty) for a later batch.
        func giveBack(_ array: inout [TraceEvent]) {
            guard array.capacity >= 1024 else { return }
            var given: [TraceEvent] = []
            swap(&given, &array)
            // Moved in, not copied: the kept array is the only reference to its storage.
            self.arrays.withLock { arrays in
                if arrays.count < Self.limit { arrays.append(given) }
            }
        }
    }
}
