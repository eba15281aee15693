import Foundation
import SyncTrace
import SyncTraceTesting
import Testing

// Swift Testing runs these cases in parallel with each other and with the rest of the package.
// Traced cases record one at a time; each must get exactly its own verdict: an even case races on
// a variable named after it, an odd case is clean. Scripts/testing-check.sh checks that the issues
// name each even case's variable exactly once, and no odd case's.

@Test(.synctrace, arguments: 0..<24) func parallelMixed(index: Int) {
    let name = "parallel-\(index)"
    if index.isMultiple(of: 2) {
        let counter = TracedVar(0, name: name)
        let writers = (0..<2).map { writer in
            TracedThread.spawn { counter[] = writer }  // expect-issue: parallel-mixed
        }
        for writer in writers { writer.join() }
    } else {
        lockedTwoWriters(name: name)
    }
}

/// Many clean traced tests, run in parallel with the untraced racy neighbour below: none of them
/// may fail for its races.
@Test(.synctrace, arguments: 0..<12) func parallelClean(index: Int) async throws {
    lockedTwoWriters(name: "parallelClean-\(index)")
    // Long enough for the neighbour to race while this case records.
    try await Task.sleep(for: .milliseconds(20))
}

/// An untraced test that races on traced primitives for as long as the traced tests run: its
/// events land in their recordings (the recorder has one session per process), yet no traced test
/// may report its races. It passes: nothing analyses it. It prints how many of its races happened
/// while a recording ran, which the checker requires to be some.
@Test func untracedRacyNeighbour() async throws {
    var overlapping = 0
    let deadline = ContinuousClock.now + .seconds(3)
    while ContinuousClock.now < deadline {
        let counter = TracedVar(0, name: "neighbour.counter")
        let writers = (0..<2).map { index in TracedThread.spawn { counter[] = index } }
        for writer in writers { writer.join() }
        if TraceRecorder.isRecording { overlapping += 1 }
        try await Task.sleep(for: .milliseconds(2))
    }
    print("untracedRacyNeighbour: \(overlapping) races while a traced test recorded")
}
