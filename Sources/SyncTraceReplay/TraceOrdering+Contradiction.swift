import SyncTraceFormat

// A trace whose orders contradict each other: the error names what waits for what.
extension TraceOrdering {
    func contradiction() -> TraceFormatError {
        let symbols = self.source.symbols
        var lines: [String] = []
        for thread in self.threads.waitingThreads.sorted().prefix(8) {
            guard let head = self.threads.queues[thread].first else { continue }
            let threadName = symbols.threads[thread].name
            var line = "\(threadName) waits to \(head.operation.textName)"
            if head.operation.hasObject {
                let object = symbols.objects[head.object.index].name
                line += "(\(object)) #\(head.sequence)"
                if head.operation.hasSequence {
                    line += " but \(object) is at #\(self.objects.nextSequence[head.object.index])"
                }
            } else if head.operation == .join || head.operation == .fork {
                line += "(\(symbols.threads[head.otherThread.index].name))"
            }
            if self.objects.blockedInSend[thread] { line += " while blocked in a rendezvous send" }
            if let location = symbols.location(head.location) { line += " at \(location)" }
            lines.append(line)
        }
        let reason = self.inputExhausted
            ? "the trace's orders contradict each other: " + lines.joined(separator: "; ")
            : "more than \(self.readAheadLimit) events wait for one another in a trace whose recorder lost events: " + lines.joined(separator: "; ")
        return TraceFormatError(file: "", position: .input, reason: reason)
    }
}
