import SyncTraceFormat
import Testing

/// Operations, object kinds and families are structs with static members, so that new ones can be
/// added without breaking a switch compiled against this version: what each stands for, by byte.
@Suite("Operations and object kinds")
struct EvolvableTypesTests {
    @Test("the known opcodes are 1 through 28, each with its own text name; 0 and 29...63 are no operation")
    func opcodes() throws {
        #expect(TraceOperation.allCases.map(\.rawValue) == Array(1...28))
        for operation in TraceOperation.allCases {
            #expect(TraceOperation(rawValue: operation.rawValue) == operation)
            #expect(TraceOperation(textName: operation.textName) == operation)
        }
        #expect(Set(TraceOperation.allCases.map(\.textName)).count == 28)
        for opcode: UInt8 in [0, 29, 30, 63, 255] { #expect(TraceOperation(rawValue: opcode) == nil) }
        // The binary format's opcodes: fixed for good.
        #expect(TraceOperation.fork.rawValue == 1 && TraceOperation.read.rawValue == 8 && TraceOperation.exit.rawValue == 28)
        #expect(TraceOperation.conditionWait.textName == "cwait" && TraceOperation.atomicReadModifyWrite.textName == "armw")
    }

    /// What a plugin's switch over operations looks like, `default:` included.
    func noun(_ operation: TraceOperation) -> String {
        switch operation {
        case .read: "read"
        case .write: "write"
        case .acquire, .readAcquire: "lock"
        default: "other"
        }
    }

    @Test("a switch over operations picks the member's case, and the rest go to default")
    func switchOverMembers() {
        #expect(TraceOperation.allCases.map(self.noun).filter { $0 != "other" } == ["lock", "lock", "read", "write"])
        #expect(self.noun(.readAcquire) == "lock" && self.noun(.send) == "other")
    }

    @Test("the packed target table says, for every opcode, what the operation names")
    func packedTargets() {
        func expected(_ operation: TraceOperation) -> String {
            switch operation {
            case .fork, .join: "thread"
            case .acquire, .release, .readAcquire, .readRelease: "lock"
            case .request: "any"
            case .read, .write, .atomicLoad, .atomicStore, .atomicReadModifyWrite: "memory"
            case .makeChannel, .send, .receive, .close: "channel"
            case .waitGroupAdd, .waitGroupDone, .waitGroupWait: "waitGroup"
            case .semaphoreSignal, .semaphoreWait: "semaphore"
            case .conditionSignal, .conditionBroadcast, .conditionWait: "condition"
            default: "none"
            }
        }
        func actual(_ operation: TraceOperation) -> String {
            switch operation.target {
            case .none: "none"
            case .thread: "thread"
            case .object(let family):
                [ObjectFamily.lock: "lock", .memory: "memory", .channel: "channel", .waitGroup: "waitGroup",
                 .semaphore: "semaphore", .condition: "condition", .any: "any"][family] ?? "unknown"
            }
        }
        #expect(TraceOperation.allCases.count == 28)
        for operation in TraceOperation.allCases {
            #expect(actual(operation) == expected(operation), "\(operation)")
        }
    }

    @Test("each operation's target, and the family of each object kind")
    func targetsAndFamilies() {
        var objectFamilies: [String: ObjectFamily] = [:]
        for operation in TraceOperation.allCases {
            if case .object(let family) = operation.target { objectFamilies[operation.textName] = family }
        }
        #expect(objectFamilies.count == 22)
        #expect(objectFamilies["req"] == .any && objectFamilies["armw"] == .memory && objectFamilies["wgdone"] == .waitGroup)
        if case .thread = TraceOperation.join.target {} else { Issue.record("join names a thread") }
        if case .none = TraceOperation.begin.target {} else { Issue.record("begin names nothing") }

        #expect(ObjectKind.allCases.map(\.rawValue) == Array(1...8))
        #expect(ObjectKind.allCases.map(\.description) == ["lock", "rwlock", "variable", "atomic", "channel", "waitgroup", "semaphore", "condition"])
        #expect(ObjectKind(rawValue: 0) == nil && ObjectKind(rawValue: 9) == nil)
        #expect(ObjectKind.rwLock.family == .lock && ObjectKind.atomic.family == .memory && ObjectKind.condition.family == .condition)
        #expect(ObjectFamily.any.admits(.semaphore) && !ObjectFamily.lock.admits(.variable))
        #expect(ObjectFamily.memory.kind(firstNamedBy: .atomicLoad) == .atomic && ObjectFamily.any.kind(firstNamedBy: .request) == .lock)
        #expect(ObjectFamily.waitGroup.noun == "wait group" && ObjectFamily.condition.placeholder == "K")
    }
}
