import SyncTraceFormat

/// Every traced object the process has created, numbered densely in creation order.
///
/// Objects register when they are created, recording or not, so that a recording started later can
/// still declare them; the writer thread declares one in a trace the first time an event names it,
/// under the trace's own id (each trace numbers only the objects it names, from zero). Creating an
/// object takes a lock; using one never does.
enum ObjectRegistry {
    struct Entry: Sendable {
        var kind: ObjectKind
        /// The name the program gave, or nil for the default `Type@File.swift:12`.
        var name: String?
        var typeName: String
        var site: CallSite
        var capacity: Int

        var displayName: String { self.name ?? "\(self.typeName)@\(self.site.shortText)" }
    }

    private static let entries = PlatformLocked<[Entry]>(forkSafe: [])

    /// Registers a new object and returns its id.
    static func register(
        kind: ObjectKind,
        name: String?,
        typeName: String,
        fileID: StaticString,
        line: UInt,
        capacity: Int = 0
    ) -> UInt32 {
        TraceRecorder.startFromEnvironmentOnce()
        let entry = Entry(kind: kind, name: name, typeName: typeName, site: CallSite(fileID, line), capacity: capacity)
        return Self.entries.withLock { entries in
            entries.append(entry)
            return UInt32(entries.count - 1)
        }
    }

    /// The entry of object `id`, if it is registered.
    static func entry(_ id: UInt32) -> Entry? {
        Self.entries.withLock { Int(id) < $0.count ? $0[Int(id)] : nil }
    }
}

extension CallSite: @unchecked Sendable {}
