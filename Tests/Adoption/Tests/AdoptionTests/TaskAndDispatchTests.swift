import Dispatch
import SyncTrace
import SyncTraceTesting
import Testing

// Findings in what the test starts: tasks, task-group children and Dispatch work items, as long as
// they are started through the traced primitives (their threads are forked from the test's).

@Test(.synctrace) func racyTasks() async {
    let counter = TracedVar(0, name: "racyTasks.counter")
    let tasks = (0..<2).map { index in
        TracedTask { counter[] = index }  // expect-issue: racy-tasks
    }
    for task in tasks { await task.value }
}

/// The second task starts after the first one's value was awaited: ordered, no race.
@Test(.synctrace) func cleanSequentialTasks() async {
    let counter = TracedVar(0, name: "cleanSequentialTasks.counter")
    for index in 0..<2 {
        await TracedTask { counter[] = index }.value
    }
}

@Test(.synctrace) func racyTaskGroup() async {
    let counter = TracedVar(0, name: "racyTaskGroup.counter")
    await withTracedTaskGroup(of: Void.self) { group in
        for index in 0..<2 {
            group.addTask { counter[] = index }  // expect-issue: racy-task-group
        }
    }
}

@Test(.synctrace) func racyDispatch() {
    let counter = TracedVar(0, name: "racyDispatch.counter")
    let pool = TracedDispatchQueue(label: "racyDispatch.pool", attributes: .concurrent)
    let done = TracedDispatchGroup()
    for index in 0..<2 {
        pool.async(group: done) { counter[] = index }  // expect-issue: racy-dispatch
    }
    done.wait()
}

/// A serial queue orders its items: no race.
@Test(.synctrace) func cleanSerialDispatch() {
    let counter = TracedVar(0, name: "cleanSerialDispatch.counter")
    let queue = TracedDispatchQueue(label: "cleanSerialDispatch.queue")
    let done = TracedDispatchGroup()
    for index in 0..<2 {
        queue.async(group: done) { counter[] = index }
    }
    done.wait()
}

/// A thread started by a task started by the test: two forks deep, still the test's.
@Test(.synctrace) func racyThreadInTask() async {
    let counter = TracedVar(0, name: "racyThreadInTask.counter")
    await TracedTask {
        let writers = (0..<2).map { index in
            TracedThread.spawn { counter[] = index }  // expect-issue: racy-thread-in-task
        }
        for writer in writers { writer.join() }
    }.value
}
