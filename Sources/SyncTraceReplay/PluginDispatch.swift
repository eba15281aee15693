import SyncTraceFormat

/// Who wants each operation, and the call that hands them an event: the replay's per-event
/// dispatch to plugins.
///
/// Calling a method on a plugin taken from an array of `any AnalysisPlugin` retains the plugin
/// before the call and releases it after — two atomic operations per plugin per event, a tenth of a
/// replay's time. Here each plugin is held by a small box, the boxes are kept alive by ``boxes``,
/// and the calls go through unmanaged references to them that the compiler may borrow (a box's
/// `let` field of a reference it is guaranteed to hold is read at +0). The dispatch must outlive
/// every call: the replay keeps it alive until its last event is handed over.
struct PluginDispatch {
    /// One plugin, boxed so that a borrowed reference to the box lends the plugin too.
    private final class Box {
        let plugin: any AnalysisPlugin
        init(_ plugin: any AnalysisPlugin) { self.plugin = plugin }
    }

    /// The boxes, strongly held: what keeps the unmanaged references in ``calls`` valid.
    private let boxes: [Box]
    /// The plugins of operation `op` are `calls[first[op]..<first[op + 1]]`, in the order given.
    private let calls: [Unmanaged<Box>]
    private let first: [Int]
    /// A bit for each operation anyone wants (one test per event skips the others).
    let wanted: UInt64

    /// The dispatch of `plugins`, each to the operations it subscribed to.
    init(plugins: [any AnalysisPlugin]) {
        let boxes = plugins.map(Box.init)
        var calls: [Unmanaged<Box>] = []
        var first = [Int](repeating: 0, count: 65)
        var wanted: UInt64 = 0
        for opcode in 0..<64 {
            first[opcode] = calls.count
            guard let operation = TraceOperation(rawValue: UInt8(opcode)) else { continue }
            for box in boxes where box.plugin.operations.contains(operation) {
                calls.append(Unmanaged.passUnretained(box))
                wanted |= 1 << UInt64(opcode)
            }
        }
        first[64] = calls.count
        self.boxes = boxes
        self.calls = calls
        self.first = first
        self.wanted = wanted
    }

    /// Whether some plugin wants events of `opcode`.
    @inline(__always) func wants(_ opcode: Int) -> Bool {
        self.wanted & (1 << UInt64(opcode)) != 0
    }

    /// Lets every plugin prepare for a batch of events (``AnalysisPlugin/prepare(for:)``).
    func prepare(for events: UnsafeBufferPointer<TraceEvent>) {
        for box in self.boxes { box.plugin.prepare(for: events) }
    }

    /// Hands `event` (of operation `opcode`) to every plugin that wants it.
    @inline(__always) func handle(_ event: TraceEvent, opcode: Int, in context: AnalysisContext) {
        for call in self.first[opcode]..<self.first[opcode + 1] {
            // Valid: `boxes` holds every box while this dispatch exists.
            self.calls[call]._withUnsafeGuaranteedRef { $0.plugin.handle(event, in: context) }
        }
    }
}
