import SyncTraceFormat

/// Renders a report as SARIF 2.1.0, the format code scanning reads (GitHub's among others): one run
/// of the tool, one rule per plugin and kind, one result per finding.
///
/// A result has the finding's message; its first event with a call site as its location and the
/// others as related locations; a code flow with one thread flow per thread, its events in replay
/// order; and its ``FindingFingerprint`` as `partialFingerprints["syncTraceFinding/v1"]`, so that
/// an alert follows the bug from commit to commit. Locations are relative to `%SRCROOT%`, the source
/// root the caller gives, when `locate` finds the file there; otherwise they carry the trace's own
/// file name ("Module/File.swift"), which a viewer may not resolve.
///
/// Within GitHub's documented limits: at most 5,000 results (what code scanning keeps), 100 related
/// locations and 1,000 thread-flow locations a result; what is left out is counted in the run's
/// `properties`.
public enum SARIFReportRenderer {
    /// Results a run holds at most.
    public static let maximumResults = 5_000
    /// Related locations a result holds at most.
    public static let maximumRelatedLocations = 100
    /// Thread-flow locations a result holds at most, over all its thread flows.
    public static let maximumThreadFlowLocations = 1_000

    /// The URI base that locations are relative to.
    public static let sourceRootBase = "SRCROOT"

    /// The report as a SARIF log.
    ///
    /// - Parameters:
    ///   - report: the report, its findings already suppressed or filtered as wanted.
    ///   - toolVersion: the version of SyncTrace that made it.
    ///   - sourceRoot: the absolute path locations are relative to (`originalUriBaseIds`), if any.
    ///   - locate: the path, relative to `sourceRoot`, of the file a call site names ("Module/File.swift"),
    ///     or nil when it is not found there.
    ///   - maxFindings: results at most (nil: up to ``maximumResults``).
    public static func render(
        _ report: AnalysisReport,
        toolVersion: String,
        sourceRoot: String? = nil,
        locate: (String) -> String? = { _ in nil },
        maxFindings: Int? = nil
    ) -> String {
        let symbols = report.symbols
        var rules: [String] = []
        var ruleIndex: [String: Int] = [:]
        var ruleObjects: [JSON] = []
        let shown = min(maxFindings ?? Self.maximumResults, Self.maximumResults)
        var results: [JSON] = []
        var located: [String: String?] = [:]
        func uri(_ file: String) -> (uri: String, relative: Bool) {
            if let known = located[file] { return known.map { ($0, true) } ?? (file, false) }
            let found = sourceRoot == nil ? nil : locate(file)
            located[file] = found
            return found.map { ($0, true) } ?? (file, false)
        }
        func location(of event: FindingEvent, id: Int? = nil, message: String? = nil) -> JSON? {
            guard let site = symbols.location(event.location), let colon = site.lastIndex(of: ":"),
                let siteLine = Int(site[site.index(after: colon)...]), siteLine > 0
            else { return nil }
            // A recorded stack's first frame names the file by its path (found under the root
            // without guessing from the module name) and the line the compiler gave the call.
            var line = siteLine
            var file = uri(String(site[..<colon]))
            if let top = symbols.stack(event.location).first, let path = top.file, path.hasPrefix("/"), top.line > 0 {
                let found = uri(path)
                if found.relative {
                    file = found
                    line = top.line
                }
            }
            var artifact: [String: JSON] = ["uri": .string(Self.percentEncoded(file.uri))]
            if file.relative { artifact["uriBaseId"] = .string(Self.sourceRootBase) }
            var fields: [String: JSON] = [
                "physicalLocation": .object([
                    "artifactLocation": .object(artifact),
                    "region": .object(["startLine": .number(line)]),
                ])
            ]
            if let id { fields["id"] = .number(id) }
            if let message { fields["message"] = .object(["text": .string(message)]) }
            return .object(fields)
        }

        for finding in report.findings.prefix(shown) {
            let ruleID = Self.ruleID(finding)
            if ruleIndex[ruleID] == nil {
                ruleIndex[ruleID] = rules.count
                rules.append(ruleID)
                ruleObjects.append(.object([
                    "id": .string(ruleID),
                    "name": .string(Self.ruleName(finding)),
                    "shortDescription": .object(["text": .string("\(finding.plugin): \(finding.kind)")]),
                    "fullDescription": .object(["text": .string("Findings of kind '\(finding.kind)' of the SyncTrace plugin '\(finding.plugin)' (\(finding.title)).")]),
                    "defaultConfiguration": .object(["level": .string(Self.level(finding))]),
                    "properties": .object(["tags": .array([.string("concurrency"), .string(finding.plugin)])]),
                ]))
            }
            let described = finding.events.map { event -> String in
                let role = event.role.resolved(in: symbols)
                let thread = symbols.thread(event.threadID).name
                let target = TextReportRenderer.target(of: event, symbols: symbols).map { "(\($0))" } ?? ""
                return "\(role): \(event.operation.textName)\(target) by thread \(thread)"
            }
            let primary = finding.events.indices.first { location(of: finding.events[$0]) != nil }
            var fields: [String: JSON] = [
                "ruleId": .string(ruleID),
                "ruleIndex": .number(ruleIndex[ruleID]!),
                "level": .string(Self.level(finding)),
                "message": .object(["text": .string(finding.message.resolved(in: symbols))]),
                "partialFingerprints": .object(["syncTraceFinding/v1": .string(FindingFingerprint(finding, symbols: symbols).description)]),
                "properties": .object([
                    "plugin": .string(finding.plugin),
                    "kind": .string(finding.kind.rawValue),
                    "title": .string(finding.title),
                    "objects": .array(finding.objects.map { .string(symbols.object($0.id).name) }),
                    "details": .array(finding.details.map { .string($0.resolved(in: symbols)) }),
                ]),
            ]
            if let primary, let primaryLocation = location(of: finding.events[primary], message: described[primary]) {
                fields["locations"] = .array([primaryLocation])
            }
            var related: [JSON] = []
            for index in finding.events.indices where index != primary && related.count < Self.maximumRelatedLocations {
                if let place = location(of: finding.events[index], id: related.count + 1, message: described[index]) { related.append(place) }
            }
            if !related.isEmpty { fields["relatedLocations"] = .array(related) }

            // One thread flow per thread, in the order threads first appear; events in replay order.
            var threads: [ThreadID] = []
            var flows: [ThreadID: [JSON]] = [:]
            var flowLocations = 0
            for (index, event) in finding.events.enumerated().sorted(by: { $0.element.index < $1.element.index }) {
                guard flowLocations < Self.maximumThreadFlowLocations, let place = location(of: event, message: described[index]) else { continue }
                if flows[event.threadID] == nil { threads.append(event.threadID) }
                flowLocations += 1
                flows[event.threadID, default: []].append(.object([
                    "location": place,
                    "executionOrder": .number(Int(clamping: event.index)),
                    "nestingLevel": .number(0),
                ]))
            }
            if !threads.isEmpty {
                let threadFlows: [JSON] = threads.map { thread in
                    .object([
                        "id": .string("thread \(thread.rawValue)"),
                        "message": .object(["text": .string("thread \(symbols.thread(thread).name)")]),
                        "locations": .array(flows[thread] ?? []),
                    ])
                }
                fields["codeFlows"] = .array([.object([
                    "message": .object(["text": .string(finding.message.resolved(in: symbols))]),
                    "threadFlows": .array(threadFlows),
                ])])
            }
            results.append(.object(fields))
        }

        var run: [String: JSON] = [
            "tool": .object([
                "driver": .object([
                    "name": .string("SyncTrace"),
                    "version": .string(toolVersion),
                    "semanticVersion": .string(toolVersion),
                    "rules": .array(ruleObjects),
                ])
            ]),
            "results": .array(results),
            "columnKind": .string("unicodeCodePoints"),
            "properties": .object([
                "trace": .string(report.trace.path),
                "ending": .string(report.trace.ending.kind),
                "analysedEvents": .number(Int(clamping: report.trace.analysedEvents)),
                "findings": .number(report.findings.count),
                "findingsNotShown": .number(report.findings.count - results.count),
                "suppressed": .number(report.omitted.suppressed.reduce(0) { $0 + $1.count }),
                "inBaseline": .number(report.omitted.inBaseline),
            ]),
            "invocations": .array([.object(["executionSuccessful": .bool(true)])]),
        ]
        if let sourceRoot {
            let root = sourceRoot.hasSuffix("/") ? sourceRoot : sourceRoot + "/"
            run["originalUriBaseIds"] = .object([Self.sourceRootBase: .object(["uri": .string("file://" + Self.percentEncoded(root))])])
        }
        let log: JSON = .object([
            "$schema": .string("https://json.schemastore.org/sarif-2.1.0.json"),
            "version": .string("2.1.0"),
            "runs": .array([.object(run)]),
        ])
        var output = ""
        log.write(to: &output, indent: 0)
        return output + "\n"
    }

    /// "race/data-race": the plugin and the kind, spaces as dashes.
    static func ruleID(_ finding: Finding) -> String {
        "\(finding.plugin)/\(finding.kind.rawValue.replacingSpaces)"
    }

    /// "RaceDataRace": the rule's name, in SARIF's PascalCase style.
    static func ruleName(_ finding: Finding) -> String {
        (finding.plugin + " " + finding.kind.rawValue)
            .split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "_" })
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }

    /// "warning" for what could happen (a potential deadlock), "error" for what did.
    static func level(_ finding: Finding) -> String {
        finding.kind.rawValue.hasPrefix("potential") || finding.kind.rawValue.hasPrefix("predicted") ? "warning" : "error"
    }

    /// A path as a URI path: unreserved characters and `/` as they are, every other byte escaped.
    static func percentEncoded(_ path: String) -> String {
        var encoded = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return encoded
    }
}

extension String {
    /// The string with each space as a dash.
    var replacingSpaces: String { String(self.map { $0 == " " ? "-" : $0 }) }
}
