import CSyncTraceRuntime

/// A source location from `#fileID`/`#line`, kept as the literal's pointer so that recording an
/// event costs no string work; the writer thread interns it once per site.
struct CallSite {
    let fileID: StaticString
    let line: UInt
    /// The caller's stack where one was captured (a thread's creation site, while a session records
    /// stacks), innermost first: a program counter, then return addresses.
    var frames: [UInt] = []

    init(_ fileID: StaticString, _ line: UInt) {
        self.fileID = fileID
        self.line = line
    }

    /// The site with the calling stack, when a running session records stacks: for a thread's
    /// creation, which is rare enough to capture outside the events' cache.
    @inline(never)
    static func capturing(_ fileID: StaticString, _ line: UInt) -> CallSite {
        var site = CallSite(fileID, line)
        let epoch = synctrace_session_epoch()
        guard epoch != 0 else { return site }
        RecordingSession.registerCurrentThreadIfRecording()
        guard let buffer = synctrace_thread_recorder(epoch)?.assumingMemoryBound(to: synctrace_thread_buffer.self),
            let cache = buffer.pointee.stacks
        else { return site }
        let depth = Int(cache.pointee.depth)
        site.frames = [UInt](unsafeUninitializedCapacity: depth) { frames, count in
            count = Int(synctrace_walk_stack(frames.baseAddress!, UInt32(depth), cache.pointee.stack_high))
        }
        return site
    }

    /// "Module/File.swift:12".
    var text: String { "\(self.fileID):\(self.line)" }

    /// "File.swift:12", for default names.
    var shortText: String {
        let path = "\(self.fileID)"
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return "\(file):\(self.line)"
    }
}
