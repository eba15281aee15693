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
///  "summary": {"race": ["…"]},
///  "omitted": {"suppressed": [{"rule": "race:Cache.swift", "line": 3, "count": 2}], "inBaseline": 0, "notShown": 0}}
/// ```
///
/// Every finding has a `"fingerprint"` (``FindingFingerprint``, 16 hex digits), the same for the
/// same bug in another run: what `--baseline` compares. `"omitted"` counts what the report leaves
/// out: findings suppressed (per rule), in the baseline, or past `--max-findings`.
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
    /// The report as pretty-printed JSON; at most `maxFindings` findings (nil: all), the rest counted
    /// in `"omitted"`.
    public static func render(_ report: AnalysisReport, maxFindings: Int? = nil) -> String {
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
            "findings": .array(report.findings.prefix(maxFindings ?? Int.max).map { Self.json($0, symbols: report.symbols) }),
            "omitted": .object([
                "suppressed": .array(report.omitted.suppressed.map { suppressed in
                    .object(["rule": .string(suppressed.rule.description), "line": .number(suppressed.rule.line), "count": .number(suppressed.count)])
                }),
                "inBaseline": .number(report.omitted.inBaseline),
                "notShown": .number(max(0, report.findings.count - (maxFindings ?? Int.max))),
            ]),
            "summary": .object(report.summaries.mapValues { .array($0.map(JSON.string)) }),
        ])
        var output = ""
        root.write(to: &output, indent: 0)
        return output + "\n"
    }

    static func json(_ finding: Finding, symbols: TraceSymbols) -> JSON {
        var fields: [String: JSON] = [
            "plugin": .string(finding.plugin),
            "kind": .string(finding.kind.rawValue),
            "fingerprint": .string(FindingFingerprint(finding, symbols: symbols).description),
            "message": .string(finding.message.resolved(in: symbols)),
            "objects": .array(finding.objects.map { Self.json($0, symbols: symbols) }),
            "events": .array(finding.events.map { Self.json($0, symbols: symbols) }),
        ]
        if let variable = finding.variableID {
            fields["variable"] = .string(symbols.object(variable).name)
            fields["variableId"] = .number(Int(variable.rawValue))
        }
        if !finding.details.isEmpty { fields["details"] = .array(finding.details.map { .string($0.resolved(in: symbols)) }) }
        for (key, value) in finding.fields {
            switch value {
            case .string(let string): fields[key] = .string(string)
            case .integer(let number): fields[key] = .number(number)
            case .boolean(let bool): fields[key] = .bool(bool)
            case .strings(let strings): fields[key] = .array(strings.map(JSON.string))
            case .event(let event): fields[key] = Self.json(event, symbols: symbols)
            case .text(let text): fields[key] = .string(text.resolved(in: symbols))
            case .texts(let texts): fields[key] = .array(texts.map { .string($0.resolved(in: symbols)) })
            }
        }
        return .object(fields)
    }

    static func json(_ event: FindingEvent, symbols: TraceSymbols) -> JSON {
        var fields: [String: JSON] = [
            "role": .string(event.role.resolved(in: symbols)),
            "thread": .string(symbols.thread(event.threadID).name),
            "threadCreation": symbols.threadCreation(event.threadID).map(JSON.string) ?? .null,
            "operation": .string(event.operation.textName),
            "object": TextReportRenderer.target(of: event, symbols: symbols).map(JSON.string) ?? .null,
            "location": symbols.location(event.location).map(JSON.string) ?? .null,
            "index": .number(Int(event.index)),
            "threadId": .number(Int(event.threadID.rawValue)),
            "objectId": event.objectID.map { .number(Int($0.rawValue)) } ?? .null,
            "otherThreadId": event.otherThreadID.map { .number(Int($0.rawValue)) } ?? .null,
        ]
        // Only when recorded: a trace without stacks gives the document it gave before them.
        let stack = symbols.stack(event.location)
        if !stack.isEmpty { fields["stack"] = .array(stack.map(Self.json)) }
        let creationStack = symbols.stack(symbols.thread(event.threadID).location)
        if !creationStack.isEmpty { fields["threadCreationStack"] = .array(creationStack.map(Self.json)) }
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

    static func json(_ object: FindingObject, symbols: TraceSymbols) -> JSON {
        let declaration = symbols.object(object.id)
        return .object([
            "id": .number(Int(object.id.rawValue)),
            "name": .string(declaration.name),
            "kind": .string(declaration.kind.description),
            "location": symbols.location(declaration.location).map(JSON.string) ?? .null,
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
