import SyncTrace

/// Fan-out: each worker writes its own result and calls `done()`; the main thread `wait()`s, then
/// reads every result. Each `done()` happens before `wait()` returns: no race.
func waitGroupFanOut() {
    let group = TracedWaitGroup(name: "workers")
    let results = (0..<4).map { TracedVar(0, name: "result \($0)") }
    group.add(results.count)
    for (index, result) in results.enumerated() {
        TracedThread.spawn(name: "worker \(index)") {
            result[] = index * index
            group.done()
        }
    }
    group.wait()
    print("sum of squares from 4 workers: \(results.map { $0[] }.reduce(0, +))")
}
