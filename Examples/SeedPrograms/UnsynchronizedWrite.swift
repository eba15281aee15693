import SyncTrace

/// A thread writes `x = 42` while the main thread reads `x` with nothing ordering the two: a data
/// race, whichever runs first. (The join comes only after the read.)
func unsynchronizedWrite() {
    let x = TracedVar(0, name: "x")
    let writer = TracedThread.spawn(name: "writer") {
        x[] = 42  // DATA RACE: nothing orders this write before main's read
    }
    print("main read x = \(x[])")  // 0 or 42, depending on the schedule
    writer.join()
}
