import Testing

/// Every ported case, file by file.
enum ConformanceInventory {
    static let all: [GoCase] = MutexCases.all + RWMutexCases.all + WaitGroupCases.all + ChannelCases.all
        + SelectCases.all + SyncCases.all + AtomicCases.all
}

extension GoConformance {
    @Suite("inventory")
    struct InventoryTests {
        @Test("every text trace in Traces/ belongs to a case, and every case that has one ships it")
        func fixturesMatchCases() throws {
            let expected = Set(ConformanceInventory.all.filter(\.hasTrace).map(\.name))
            #expect(try Conformance.fixtureNames() == expected)
        }

        @Test("case names are unique and each case has a program or a trace")
        func casesAreWellFormed() {
            let names = ConformanceInventory.all.map(\.name)
            #expect(Set(names).count == names.count)
            #expect(ConformanceInventory.all.allSatisfy { $0.program != nil || $0.hasTrace })
        }
    }
}
