public import SyncTraceFormat

extension TraceSymbols {
    /// Where and by whom a thread was created, if the trace knows: "main.swift:9 by main",
    /// "main.swift:9", "by main". What the reports say under each thread of a finding.
    public func threadCreation(_ thread: ThreadID) -> String? {
        let declaration = self.thread(thread)
        let creator = declaration.parent.map { self.thread($0).name }
        switch (self.location(declaration.location), creator) {
        case (let location?, let creator?): return "\(location) by \(creator)"
        case (let location?, nil): return location
        case (nil, let creator?): return "by \(creator)"
        case (nil, nil): return nil
        }
    }
}
