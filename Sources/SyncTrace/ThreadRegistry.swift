import CSyncTraceRuntime
import SyncTraceFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every OS thread the process has shown the recorder, numbered densely: threads started with
/// ``TracedThread`` at their spawn, other threads the first time they touch a traced object.
/// (Logical threads — tasks, work items — are not here: ``LogicalThread`` numbers them without a
/// lock, and each trace declares only the threads it names, under ids of its own.)
enum ThreadRegistry {
    struct Entry: Sendable {
        var name: String
        var parent: UInt32?
        var site: CallSite?
    }

    private static let entries = PlatformLocked<[Entry]>(forkSafe: [])

    /// Registers a thread and returns its id; with no `name`, it is called "`kind` N".
    static func register(name: String?, kind: String = "thread", parent: UInt32?, site: CallSite?) -> UInt32 {
        Self.entries.withLock { entries in
            let id = UInt32(entries.count)
            entries.append(Entry(name: name ?? "\(kind) \(id)", parent: parent, site: site))
            return id
        }
    }

    /// The entry of thread `id`, if it is registered.
    static func entry(_ id: UInt32) -> Entry? {
        Self.entries.withLock { Int(id) < $0.count ? $0[Int(id)] : nil }
    }

    /// The calling thread's id, registering the thread (as "main" or by its system name) if it is new.
    static func currentThreadID() -> UInt32 {
        let stored = synctrace_thread_id_plus_one()
        if stored != 0 { return stored - 1 }
        let id = Self.register(name: Self.systemThreadName(), parent: nil, site: nil)
        synctrace_set_thread_id_plus_one(id + 1)
        return id
    }

    private static func systemThreadName() -> String? {
        if synctrace_is_main_thread() != 0 { return "main" }
        var buffer = [CChar](repeating: 0, count: 64)
        guard synctrace_current_thread_name(&buffer, UInt(buffer.count)) == 0, buffer[0] != 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
