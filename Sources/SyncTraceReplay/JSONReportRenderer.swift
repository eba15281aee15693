import SyncTraceFormat

/// Renders a report as JSON, the contract tools rely on:
///
/// ```
/// {"trace": {"path": …, "form": "binary", "program": …, "threads": N, "objects": N,
///            "complete": true, "ending": "complete", "signal": null,
///            "analysedEvents": N, "unanalysedEvents": 0, "events": N,
///            "droppedEvents": 0, "sequenceGaps": 0},
///  "plugins": ["race", …],
///  "findings": [{"plugin": "race", "kind": "data race", "variable": "x", "message": …,
///                "first": {event}, "second": {event}, "objects": [{object}], "events": [{event}], …}],
///  "summary": {"race": ["…"]}}
/// ```
///
/// `complete` is true only for a trace that ended cleanly. `ending` is "complete", "signal" (the
/// recorded process died of signal `signal` and its handler wrote every event: the trace is analysed
/// whole) or "cut short" (no end record: the trace is analysed up to its consistent cut, and its
/// findings are of that part). `analysedEvents` (also `events`, as before) were replayed through the
/// plugins; `unanalysedEvents` were read from a trace cut short but wait behind its first gap.
///
/// An event is `{"role", "thread", "threadId", "threadCreation", "operation", "object", "objectId",
/// "otherThreadId", "location", "index"}` (absent values are `null`), with `"stack"` and
/// `"threadCreationStack"` (arrays of `{"function", "file", "line", "image", "offset"}`, innermost
/// first) when the trace recorded them; an object is `{"id", "name",
/// "kind", "location"}`. Ids are the trace's own (a thread's and an object's index in its
/// declarations): stable for a trace, and what tells apart two objects of one name. A finding about
/// a variable has `"variable"` (its name) and `"variableId"`. Every finding has `"plugin"`; plugins
/// add their own fields. Keys are sorted, so output is stable.
public enum JSONReportRenderer {
    /// The report as pretty-printed JSON.
    public static func render(_ report: AnalysisReport) -> String {
        let trace = report.trace
        let traceValue: JSON = .object([
            "path": .string(trace.path),
            "form": .string(trace.form.rawValue),
            "program": .string(trace.program),
            "events": .number(Int(trace.analysedEvents)),
            "analysedEvents": .number(Int(trace.analysedEvents)),
            "unanalysedEvents": .number(Int(trace.unanalysedEvents)),
            "threads": .number(trace.threads),
            "objects": .number(trace.objects),
            "complete": .bool(trace.isComplete),
            "ending": .string(trace.ending.kind),
            "signal": trace.ending.signal.map { .number(Int($0)) } ?? .null,
            "droppedEvents": .number(Int(trace.droppedEvents)),
            "sequenceGaps": .number(trace.sequenceGaps),
        ])
        let root: JSON = .object([
            "trace": traceValue,
            "plugins": .array(report.plugins.map(JSON.string)),
            "findings": .array(report.findings.map(Self.json)),
            "summary": .object(report.summaries.mapValues { .array($0.map(JSON.string)) }),
        ])
        var output = ""
        root.write(to: &output, indent: 0)
        return output + "\n"
    }

    static func json(_ finding: Finding) -> JSON {
        var fields: [String: JSON] = [
            "plugin": .string(finding.plugin),
            "kind": .string(finding.kind.rawValue),
            "message": .string(finding.message),
            "objects": .array(finding.objects.map(Self.json)),
            "events": .array(finding.events.map(Self.json)),
        ]
        if let variable = finding.variable { fields["variable"] = .string(variable) }
        if let variable = finding.variableID { fields["variableId"] = .number(Int(variable.rawValue)) }
        if !finding.details.isEmpty { fields["details"] = .array(finding.details.map(JSON.string)) }
        for (key, value) in finding.fields {
            switch value {
            case .string(let string): fields[key] = .string(string)
            case .integer(let number): fields[key] = .number(number)
            case .boolean(let bool): fields[key] = .bool(bool)
            case .strings(let strings): fields[key] = .array(strings.map(JSON.string))
            case .event(let event): fields[key] = Self.json(event)
            }
        }
        return .object(fields)
    }

    static func json(_ event: FindingEvent) -> JSON {
        var fields: [String: JSON] = [
            "role": .string(event.role),
            "thread": .string(event.thread),
            "threadCreation": event.threadCreation.map(JSON.string) ?? .null,
            "operation": .string(event.operation.textName),
            "object": event.object.map(JSON.string) ?? .null,
            "location": event.location.map(JSON.string) ?? .null,
            "index": .number(Int(event.index)),
            "threadId": event.threadID.map { .number(Int($0.rawValue)) } ?? .null,
            "objectId": event.objectID.map { .number(Int($0.rawValue)) } ?? .null,
            "otherThreadId": event.otherThreadID.map { .number(Int($0.rawValue)) } ?? .null,
        ]
        // Only when recorded: a trace without stacks gives the document it gave before them.
        if !event.stack.isEmpty { fields["stack"] = .array(event.stack.map(Self.json)) }
        if !event.threadCreationStack.isEmpty { fields["threadCreationStack"] = .array(event.threadCreationStack.map(Self.json)) }
        return .object(fields)
    }

    /// A frame: `{"function", "file", "line", "image", "offset"}` (a raw frame has a null function and file).
    static func json(_ frame: StackFrame) -> JSON {
        .object([
            "function": frame.function.map(JSON.string) ?? .null,
            "file": frame.file.map(JSON.string) ?? .null,
            "line": .number(frame.line),
            "image": frame.image.map(JSON.string) ?? .null,
            "offset": .number(Int(truncatingIfNeeded: frame.offset)),
        ])
    }

    static func json(_ object: FindingObject) -> JSON {
        .object([
            "id": object.id.map { .number(Int($0.rawValue)) } ?? .null,
            "name": .string(object.name),
            "kind": .string(object.kind.description),
            "location": object.location.map(JSON.string) ?? .null,
        ])
    }
}

/// A JSON value, written with sorted keys and escaped strings.
enum JSON {
    case null
    case bool(Bool)
    case number(Int)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    func write(to output: inout String, indent: Int) {
        let padding = String(repeating: "  ", count: indent + 1)
        let closing = String(repeating: "  ", count: indent)
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let value): output += String(value)
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let items):
            guard !items.isEmpty else { output += "[]"; return }
            output += "[\n"
            for (index, item) in items.enumerated() {
                output += padding
                item.write(to: &output, indent: indent + 1)
                output += index == items.count - 1 ? "\n" : ",\n"
            }
            output += closing + "]"
        case .object(let members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{\n"
            let keys = members.keys.sorted()
            for (index, key) in keys.enumerated() {
                output += padding
                Self.writeString(key, to: &output)
                output += ": "
                members[key]!.write(to: &output, indent: indent + 1)
                output += index == keys.count - 1 ? "\n" : ",\n"
            }
            output += closing + "}"
        }
    }

    static func writeString(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
