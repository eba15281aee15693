import SyncTrace

/// The main thread writes the configuration before it spawns the workers, which only read it:
/// spawning a thread orders everything before it, so there is no race.
func configBeforeSpawn() {
    let config = TracedVar("", name: "config")
    config[] = "verbose=1"  // written before any worker exists
    let workers = (0..<3).map { index in
        TracedThread.spawn(name: "worker \(index)") {
            print("worker \(index) sees config \(config[])")  // ordered after the write by the spawn
        }
    }
    for worker in workers { worker.join() }
}
