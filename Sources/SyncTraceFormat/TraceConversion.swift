/// Copies a trace from any reader into a binary writer or into the text form.
public enum TraceConversion {
    /// Reads `source` to its end and writes every event to `writer` (declarations first), then ends
    /// the output as the source ended: a complete source's output is complete, a signal-ended one's
    /// ends by the same signal, and a source cut short gives an output cut short too (flushed, with no
    /// end record), holding every event that could be read — so that converting a trace never makes
    /// one cut short read as a clean run. Returns how the source ended.
    @discardableResult
    public static func copy(
        _ source: any TraceEventSource,
        to writer: TraceWriter
    ) throws(TraceConversionError) -> TraceEnding {
        var events: [TraceEvent] = []
        events.reserveCapacity(TextTraceReader.batchSize)
        while try Self.next(source, into: &events) {
            try Self.output { () throws(TraceIOError) in
                try writer.declare(symbolsFrom: source.symbols)
                try writer.write(events)
            }
        }
        let ending = source.ending
        try Self.output { () throws(TraceIOError) in
            try writer.declare(symbolsFrom: source.symbols)
            if ending.holdsEveryEvent {
                try writer.finish(signal: ending.signal)
            } else {
                try writer.flush()
            }
        }
        return ending
    }

    /// Reads `source` to its end and hands its text form to `emit` in chunks of whole lines.
    @discardableResult
    public static func printText(
        _ source: any TraceEventSource,
        emit: (String) throws(TraceIOError) -> Void
    ) throws(TraceConversionError) -> TraceEnding {
        var printer = TextFormPrinter()
        var events: [TraceEvent] = []
        var text = TextFormPrinter.preamble(for: source.header)
        while try Self.next(source, into: &events) {
            let symbols = source.symbols
            for event in events { printer.append(event, symbols: symbols, to: &text) }
            try Self.output { () throws(TraceIOError) in try emit(text) }
            text.removeAll(keepingCapacity: true)
        }
        printer.finish(symbols: source.symbols, to: &text)
        if !text.isEmpty { try Self.output { () throws(TraceIOError) in try emit(text) } }
        return source.ending
    }

    private static func next(
        _ source: any TraceEventSource,
        into events: inout [TraceEvent]
    ) throws(TraceConversionError) -> Bool {
        do {
            return try source.nextBatch(into: &events)
        } catch {
            throw .input(error)
        }
    }

    private static func output(_ body: () throws(TraceIOError) -> Void) throws(TraceConversionError) {
        do {
            try body()
        } catch {
            throw .output(error)
        }
    }
}

/// Why a conversion failed: the input was malformed, or the output could not be written.
public enum TraceConversionError: Error, Sendable, CustomStringConvertible {
    /// The input trace is malformed or unreadable.
    case input(TraceFormatError)
    /// The output could not be written.
    case output(TraceIOError)

    public var description: String {
        switch self {
        case .input(let error): error.description
        case .output(let error): error.description
        }
    }
}
