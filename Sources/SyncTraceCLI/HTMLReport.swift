import Foundation
import SyncTraceFormat
import SyncTraceReplay

/// The HTML report (`synctrace report`): one self-contained file, its style, pictures and script
/// inline, that opens in a browser straight from the file system and fetches nothing.
///
/// It holds the verdict and the trace's summary, then each finding as `analyze` prints it (its
/// events with their call sites or stacks, the threads' creation, the plugin's details) with a
/// timeline of the events around it (``FindingTimeline``), then where threads waited
/// (``WaitProfile``). The script is small and optional: the report reads the same without it; it
/// highlights the arrows of the event under the pointer, filters the findings, and records in the
/// page's `<body>` what it drew (`data-threads-drawn`) and any error (`data-script-errors`), which
/// the browser test reads.
struct HTMLReport {
    let report: AnalysisReport
    /// Per finding drawn, by its position in the report: its surroundings.
    let neighbourhoods: [Int: FindingNeighbourhoods.Neighbourhood]
    /// How many findings got a timeline at most (the rest say so).
    let timelineLimit: Int
    let waits: WaitProfile
    /// The findings left out by suppressions or a baseline, as lines for the summary.
    let omissions: [String]

    /// The whole document.
    var html: String {
        let report = self.report
        let trace = report.trace
        let program = trace.program.isEmpty ? "the trace" : trace.program
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="synctrace \(ToolVersion.current)">
            <title>SyncTrace report: \(HTMLText.escaped(program))</title>
            <style>\(Self.style)</style>
            </head>
            <body data-findings="\(report.findings.count)" data-timelines="\(self.neighbourhoods.values.filter(\.matches).count)">
            <header>
            <h1>SyncTrace report: \(HTMLText.escaped(program))</h1>
            \(self.verdict)
            </header>
            <main>

            """
        html += self.summary
        html += self.findingsSection
        html += self.waitsSection
        html += """
            </main>
            <footer>Written by synctrace \(ToolVersion.current) from \(HTMLText.escaped(trace.path.isEmpty ? "a trace" : trace.path)). \
            Nothing in this file is fetched from elsewhere.</footer>
            <script>\(Self.script)</script>
            </body>
            </html>

            """
        return html
    }

    // MARK: Parts

    private var verdict: String {
        let trace = self.report.trace
        let count = self.report.findings.count
        if !trace.reachesProgramEnd {
            return #"<p class="verdict cut" id="verdict">Cut short: \#(count) finding\#(count == 1 ? "" : "s") in the analysed part. This is not a clean run: the program went on past the events analysed.</p>"#
        }
        if count == 0 { return #"<p class="verdict clean" id="verdict">No findings.</p>"# }
        return #"<p class="verdict found" id="verdict">\#(count) finding\#(count == 1 ? "" : "s").</p>"#
    }

    private var summary: String {
        let report = self.report
        let trace = report.trace
        var rows: [(String, String)] = [
            ("Trace", trace.path.isEmpty ? "(standard input)" : trace.path),
            ("Program", trace.program.isEmpty ? "(not named)" : trace.program),
            ("Events analysed", TextReportRenderer.grouped(trace.analysedEvents)),
            ("Threads", "\(trace.threads)"),
            ("Objects", "\(trace.objects)"),
            ("Ending", trace.ending.summary),
        ]
        if trace.unanalysedEvents > 0 { rows.append(("Not analysed", "\(TextReportRenderer.grouped(trace.unanalysedEvents)) events after the first gap")) }
        if trace.droppedEvents > 0 { rows.append(("Dropped while recording", "\(trace.droppedEvents) events: findings may be missing")) }
        rows.append(("Plugins", report.plugins.joined(separator: ", ")))
        var html = #"<section id="summary"><h2>Summary</h2><table class="facts">"#
        for (name, value) in rows { html += "<tr><th>\(HTMLText.escaped(name))</th><td>\(HTMLText.escaped(value))</td></tr>" }
        html += "</table>"
        var notes: [String] = []
        for plugin in report.plugins {
            for line in report.summaries[plugin] ?? [] { notes.append("\(plugin): \(line)") }
        }
        notes += report.stackNotes.map { "stacks: \($0)" }
        notes += self.omissions
        if !notes.isEmpty {
            html += #"<ul class="notes">"#
            for note in notes { html += "<li>\(HTMLText.escaped(note))</li>" }
            html += "</ul>"
        }
        return html + "</section>\n"
    }

    private var findingsSection: String {
        let report = self.report
        guard !report.findings.isEmpty else { return #"<section id="findings"><h2>Findings</h2><p>None.</p></section>"# + "\n" }
        var html = #"<section id="findings"><h2>Findings</h2>"#
        html += #"<p class="filter"><label>Filter <input id="filter" type="search" placeholder="a word of a title, thread, variable or file"></label></p>"#
        html += #"<ol class="index">"#
        for (position, finding) in report.findings.enumerated() {
            html += ##"<li><a href="#finding-\##(position + 1)">\##(HTMLText.escaped(finding.title))</a> — \##(HTMLText.escaped(report.text(finding.message)))</li>"##
        }
        html += "</ol>\n"
        for (position, finding) in report.findings.enumerated() {
            html += self.article(finding, at: position)
        }
        return html + "</section>\n"
    }

    private func article(_ finding: Finding, at position: Int) -> String {
        let report = self.report
        let symbols = report.symbols
        let fingerprint = FindingFingerprint(finding, symbols: symbols)
        var html = #"<article class="finding" id="finding-\#(position + 1)" data-fingerprint="\#(fingerprint)" data-plugin="\#(HTMLText.escaped(finding.plugin))" data-kind="\#(HTMLText.escaped(finding.kind.rawValue))">"#
        html += "<h3>\(position + 1). \(HTMLText.escaped(finding.title))</h3>"
        html += #"<p class="message">\#(HTMLText.escaped(report.text(finding.message)))</p>"#
        html += self.timeline(finding, at: position)
        if !finding.events.isEmpty {
            html += #"<ol class="events">"#
            for event in finding.events {
                let target = report.targetName(of: event)
                let what = event.operation == .read || event.operation == .write
                    ? "\(event.operation == .read ? "read" : "write") of \(target ?? "?")"
                    : event.operation.textName + (target.map { "(\($0))" } ?? "")
                html += "<li><span class=\"role\">\(HTMLText.escaped(report.text(event.role)))</span>: "
                html += "<code>\(HTMLText.escaped(what))</code> by thread <b>\(HTMLText.escaped(report.threadName(of: event)))</b>"
                html += " <span class=\"index\">(event #\(event.index))</span>"
                let stack = report.stack(of: event)
                if stack.isEmpty {
                    html += " at <code>\(HTMLText.escaped(report.location(of: event) ?? "(no call site recorded)"))</code>"
                } else {
                    // The innermost frame at once, the whole stack a click away.
                    html += " at <code>\(HTMLText.escaped(stack[0].place))</code>"
                    html += "<details><summary>stack (\(stack.count) frames)</summary><pre class=\"stack\">\(HTMLText.escaped(Self.stackText(stack)))</pre></details>"
                }
                html += "</li>"
            }
            html += "</ol>"
        }
        var described: Set<ThreadID> = []
        var threads: [String] = []
        for event in finding.events where described.insert(event.threadID).inserted {
            let thread = symbols.thread(event.threadID)
            let creationStack = symbols.stack(thread.location)
            if let creation = symbols.threadCreation(event.threadID) {
                let creator = thread.parent.map { " by \(symbols.thread($0).name)" } ?? ""
                if creationStack.isEmpty {
                    threads.append(HTMLText.escaped("Thread \(thread.name) created \(creation.hasPrefix("by ") ? "" : "at ")\(creation)"))
                } else {
                    threads.append(
                        HTMLText.escaped("Thread \(thread.name) created\(creator) at ") + "<code>\(HTMLText.escaped(creationStack[0].place))</code>"
                            + "<details><summary>stack (\(creationStack.count) frames)</summary><pre class=\"stack\">\(HTMLText.escaped(Self.stackText(creationStack)))</pre></details>"
                    )
                }
            } else {
                threads.append(HTMLText.escaped("Thread \(thread.name) (not started by a TracedThread: no creation site)"))
            }
        }
        if !threads.isEmpty {
            html += #"<ul class="threads">"# + threads.map { "<li>\($0)</li>" }.joined() + "</ul>"
        }
        for detail in finding.details { html += #"<p class="detail">\#(HTMLText.escaped(report.text(detail)))</p>"# }
        html += #"<p class="fingerprint">fingerprint \#(fingerprint) · plugin \#(HTMLText.escaped(finding.plugin)) · \#(HTMLText.escaped(finding.kind.rawValue))</p>"#
        return html + "</article>\n"
    }

    private func timeline(_ finding: Finding, at position: Int) -> String {
        guard !finding.events.isEmpty else { return "" }
        guard let neighbourhood = self.neighbourhoods[position] else {
            return #"<p class="no-timeline">No timeline: only the first \#(self.timelineLimit) findings get one (--max-timelines).</p>"#
        }
        guard neighbourhood.matches else {
            return #"<p class="no-timeline">No timeline: the second replay did not find this finding's events at their places.</p>"#
        }
        var html = #"<figure class="timeline-figure" data-rows="\#(neighbourhood.threads.count)">"#
        html += #"<div class="scroll">\#(FindingTimeline(neighbourhood: neighbourhood, finding: finding, symbols: self.report.symbols).svg)</div>"#
        html += "<figcaption>" + HTMLText.escaped(Self.caption(for: finding)) + "</figcaption></figure>"
        return html
    }

    /// What the timeline shows, and for a race what its arrows do not do.
    static func caption(for finding: Finding) -> String {
        var text = "The events of these threads around the finding's (outlined in red), in replay order, "
            + "which respects happens-before; bars mark locks held (green) and waits (orange). Each arrow is a "
            + "happens-before edge between threads."
        if finding.kind.rawValue.contains("race") {
            text += " No chain of arrows and program order leads from one of the racing accesses to the other: "
                + "nothing orders them."
        } else if finding.plugin == "deadlock" {
            text += " The arrows are the order this run happened to take; the cycle deadlocks in a schedule where "
                + "each thread takes its first lock before the other releases it."
        }
        return text
    }

    private var waitsSection: String {
        let waited = self.waits.objects.filter { $0.waited > 0 || $0.stillWaiting > 0 }
        var html = #"<section id="waits"><h2>Where threads waited</h2>"#
        guard !waited.isEmpty else {
            return html + "<p>No thread waited for a lock, channel, wait group, semaphore or condition.</p></section>\n"
        }
        let total = waited.reduce(UInt64(0)) { $0 + $1.totalMicroseconds }
        html += "<p>\(waited.count) object\(waited.count == 1 ? "" : "s") waited for, \(HTMLText.escaped(WaitProfile.duration(total))) in all, longest total first.</p>"
        html += #"<table class="waits"><thead><tr><th>object</th><th>kind</th><th>completed</th><th>waited</th><th>total</th><th>longest</th><th>still waiting</th><th>call sites that waited</th></tr></thead><tbody>"#
        let longest = max(waited.first?.totalMicroseconds ?? 1, 1)
        for object in waited.prefix(100) {
            let share = Int((Double(object.totalMicroseconds) / Double(longest) * 100).rounded())
            let sites = object.sites.prefix(3).map { "\($0.location ?? "(no location)") (\($0.waits), \(WaitProfile.duration($0.totalMicroseconds)))" }
            html += "<tr><td><b>\(HTMLText.escaped(object.name))</b></td><td>\(HTMLText.escaped(object.kind))</td>"
            html += "<td>\(object.operations)</td><td>\(object.waited)</td>"
            html += #"<td><span class="share" style="width:\#(share)px"></span>\#(HTMLText.escaped(WaitProfile.duration(object.totalMicroseconds)))</td>"#
            html += "<td>\(HTMLText.escaped(WaitProfile.duration(object.longestMicroseconds)))</td><td>\(object.stillWaiting)</td>"
            html += "<td>\(sites.map { "<code>\(HTMLText.escaped($0))</code>" }.joined(separator: "<br>"))</td></tr>"
        }
        html += "</tbody></table>"
        if waited.count > 100 { html += "<p>… and \(waited.count - 100) more (all of them in <code>synctrace stats --waits --format json</code>).</p>" }
        return html + "</section>\n"
    }

    /// A stack, a frame a line: its function, then its file and line.
    static func stackText(_ stack: [StackFrame]) -> String {
        stack.map { frame in frame.function.map { "\($0)\n    \(frame.place)" } ?? frame.place }.joined(separator: "\n")
    }

    // MARK: Style and script

    static let style = """
        body{font:14px/1.45 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#1d2228;background:#fafbfc}
        header{background:#1d2d44;color:#fff;padding:14px 24px}header h1{font-size:20px;margin:0 0 6px}
        main{padding:8px 24px 24px;max-width:1400px}footer{padding:12px 24px;color:#667;font-size:12px}
        h2{font-size:17px;border-bottom:1px solid #d8dde3;padding-bottom:4px;margin-top:26px}
        h3{font-size:15px;margin:0 0 6px;color:#a3161a}
        .verdict{display:inline-block;margin:0;padding:3px 10px;border-radius:4px;font-weight:600}
        .verdict.found{background:#c62828}.verdict.clean{background:#2e7d32}.verdict.cut{background:#b26a00}
        table.facts th{text-align:left;padding-right:18px;color:#556;font-weight:600}
        table.waits{border-collapse:collapse}table.waits th,table.waits td{border-bottom:1px solid #e3e6ea;padding:4px 10px;text-align:left;vertical-align:top}
        .share{display:inline-block;height:9px;background:#e08a00;margin-right:6px;border-radius:2px}
        .finding{background:#fff;border:1px solid #dfe3e8;border-radius:6px;padding:12px 16px;margin:14px 0}
        .finding.hidden{display:none}.message{font-weight:600}
        .events li{margin:3px 0}.role{font-weight:600}.index,.fingerprint{color:#778;font-size:12px}
        pre.stack{margin:4px 0 6px 18px;font-size:12px;background:#f4f6f8;padding:6px 8px;border-radius:4px;overflow-x:auto}
        .detail{color:#333}.threads{color:#445;font-size:13px}details summary{cursor:pointer;color:#556;font-size:12px}.no-timeline{color:#778;font-style:italic}
        .scroll{overflow-x:auto;border:1px solid #e6e9ed;border-radius:4px;background:#fff}
        figure{margin:10px 0}figcaption{font-size:12px;color:#556;margin-top:4px}
        svg.timeline{font:11px ui-monospace,Menlo,Consolas,monospace;display:block}
        svg .thread-name{font-weight:700;fill:#1d2d44}svg .lifeline{stroke:#c5ccd4;stroke-width:1}
        svg .event rect{fill:#eef2f7;stroke:#8a96a3;stroke-width:1}svg .event.sync rect{fill:#e3edfb;stroke:#4a74b0}
        svg .event.finding-event rect{fill:#fde8e8;stroke:#c62828;stroke-width:2.5}
        svg .event text{fill:#1d2228}svg .badge{fill:#c62828}svg .event text.badge-number{fill:#fff;font-weight:700}
        svg .hold{fill:#66bb6a;opacity:.75}svg .wait{fill:#ffa726;opacity:.85}
        svg .edge{fill:none;stroke:#1f5fbf;stroke-width:1.6}svg .edge.earlier,svg .edge.stub{stroke-dasharray:4 3}
        svg .edge-note{fill:#1f5fbf;font-size:10px}svg .edge.lit{stroke:#e65100;stroke-width:3}svg .event.lit rect{stroke:#e65100;stroke-width:3}
        """

    static let script = """
        (function () {
          var errors = [];
          window.addEventListener('error', function (e) {
            errors.push(String(e.message));
            document.body.setAttribute('data-script-errors', errors.join(' | '));
          });
          var drawn = 0;
          document.querySelectorAll('svg.timeline').forEach(function (svg) {
            svg.querySelectorAll('g.thread').forEach(function (row) {
              var box = row.getBBox();
              if (box.width > 0 && box.height > 0) drawn += 1;
            });
            svg.querySelectorAll('g.event').forEach(function (node) {
              var index = node.getAttribute('data-index');
              var edges = svg.querySelectorAll('.edge[data-from="' + index + '"], .edge[data-to="' + index + '"]');
              node.addEventListener('mouseenter', function () {
                node.classList.add('lit');
                edges.forEach(function (edge) { edge.classList.add('lit'); });
              });
              node.addEventListener('mouseleave', function () {
                node.classList.remove('lit');
                edges.forEach(function (edge) { edge.classList.remove('lit'); });
              });
            });
          });
          var filter = document.getElementById('filter');
          if (filter) {
            filter.addEventListener('input', function () {
              var words = filter.value.toLowerCase();
              document.querySelectorAll('article.finding').forEach(function (article) {
                article.classList.toggle('hidden', words !== '' && article.textContent.toLowerCase().indexOf(words) < 0);
              });
            });
          }
          document.body.setAttribute('data-threads-drawn', String(drawn));
          document.body.setAttribute('data-script-errors', errors.join(' | '));
          document.body.setAttribute('data-rendered', 'yes');
        })();
        """
}
