import SyncTrace

/// Eight children each count themselves in one shared variable: a data race, whatever order they
/// ran in (and, when two overlap, a lost update).
func taskGroupShared() async {
    let count = TracedVar(0, name: "count")
    await withTracedTaskGroup(of: Void.self) { group in
        for _ in 1...8 {
            group.addTask { count[] += 1 }
        }
    }
    print("count from 8 children: \(count[])")
}

/// Each child writes its own slot; the parent reads them after the group: no race.
func taskGroupSlots() async {
    let slots = (1...8).map { TracedVar(0, name: "slot \($0)") }
    await withTracedTaskGroup(of: Void.self) { group in
        for (index, slot) in slots.enumerated() {
            group.addTask { slot[] = index + 1 }
        }
    }
    print("sum of 1...8 from 8 slots: \(slots.reduce(0) { $0 + $1[] })")
}
