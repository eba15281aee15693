import SyncTraceFormat

extension AnalysisReport {
    /// Findings taken out of a report and why: the renderers count them in the summary, so that a
    /// report never looks cleaner than the run was without saying so.
    public struct Omitted: Hashable, Sendable {
        /// A suppression rule and the findings it removed.
        public struct Suppressed: Hashable, Sendable {
            /// The rule.
            public var rule: Suppressions.Rule
            /// The findings it removed.
            public var count: Int
        }

        /// Findings each suppression rule removed (rules that removed none are left out), in file order.
        public var suppressed: [Suppressed] = []
        /// Findings whose fingerprint was in the baseline.
        public var inBaseline = 0
        /// The baseline's file name, as the user gave it.
        public var baseline: String?

        /// Creates an empty record.
        public init() {}

        /// All findings removed.
        public var total: Int { self.suppressed.reduce(0) { $0 + $1.count } + self.inBaseline }
    }

    /// The report without the findings `suppressions` accept, counted per rule in ``omitted``.
    public mutating func suppress(_ suppressions: Suppressions) {
        var counts: [Suppressions.Rule: Int] = [:]
        let symbols = self.symbols
        self.findings.removeAll { finding in
            guard let rule = suppressions.rule(matching: finding, symbols: symbols) else { return false }
            counts[rule, default: 0] += 1
            return true
        }
        for rule in suppressions.rules {
            if let count = counts[rule] { self.omitted.suppressed.append(Omitted.Suppressed(rule: rule, count: count)) }
        }
    }

    /// The report without the findings whose fingerprint is in `fingerprints` (those of the report
    /// in the file `baseline`): only what is new. Counted in ``omitted``.
    public mutating func removeBaseline(_ fingerprints: Set<FindingFingerprint>, from baseline: String) {
        let symbols = self.symbols
        let before = self.findings.count
        self.findings.removeAll { fingerprints.contains(FindingFingerprint($0, symbols: symbols)) }
        self.omitted.inBaseline += before - self.findings.count
        self.omitted.baseline = baseline
    }

    /// The report's fingerprint of `finding`.
    public func fingerprint(of finding: Finding) -> FindingFingerprint {
        FindingFingerprint(finding, symbols: self.symbols)
    }

    /// The summary lines that say what was left out: suppressed findings, per rule; findings in the
    /// baseline; findings past a cap of `shown` (nil: all are shown). Empty when nothing was.
    public func omissionLines(shown: Int?) -> [String] {
        var lines: [String] = []
        if !self.omitted.suppressed.isEmpty {
            let count = self.omitted.suppressed.reduce(0) { $0 + $1.count }
            let rules = self.omitted.suppressed.map { "\($0.rule) ×\($0.count)" }.joined(separator: ", ")
            lines.append("\(count) finding\(count == 1 ? "" : "s") suppressed (\(rules))")
        }
        if self.omitted.inBaseline > 0 {
            let count = self.omitted.inBaseline
            lines.append("\(count) finding\(count == 1 ? "" : "s") also in the baseline \(self.omitted.baseline ?? "") not shown")
        }
        if let shown, shown < self.findings.count {
            let rest = self.findings.count - shown
            lines.append("\(rest) more finding\(rest == 1 ? "" : "s") not shown (the first \(shown) are: --max-findings)")
        }
        return lines
    }
}
