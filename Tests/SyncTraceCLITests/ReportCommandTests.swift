import Foundation
import SyncTraceFormat
import SyncTraceTestSupport
import Testing

/// An HTML page as `synctrace report` writes it, read back by the attributes the page sets for tools.
struct ReportPage {
    var html: String

    init(file path: String) throws {
        self.html = try String(contentsOfFile: path, encoding: .utf8)
    }

    /// Every capture of `pattern`'s first group, in order.
    func all(_ pattern: String, in text: String? = nil) -> [String] {
        let text = text ?? self.html
        let expression = try! NSRegularExpression(pattern: pattern)
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            String(text[Range(match.range(at: 1), in: text)!])
        }
    }

    /// The findings' articles, whole.
    var articles: [String] { self.all(#"(<article class="finding"[\s\S]*?</article>)"#) }

    /// The fingerprints of the findings on the page, in order.
    var fingerprints: [String] { self.all(#"<article class="finding"[^>]* data-fingerprint="([0-9a-f]+)""#) }

    /// In one article: its timeline's rows (thread ids), its events (replay indices), the finding's
    /// own events, and its arrows as "from→to" with their class.
    func timeline(of article: String) -> (rows: [Int], events: [Int], findingEvents: [Int], edges: Set<String>) {
        (
            self.all(#"<g class="thread" data-thread="(\d+)""#, in: article).map { Int($0)! },
            self.all(#"<g class="event[^"]*" data-index="(\d+)""#, in: article).map { Int($0)! },
            self.all(#"<g class="event finding-event[^"]*" data-index="(\d+)""#, in: article).map { Int($0)! },
            Set(self.all(#"<path class="(edge[^"]*" data-from="\d+" data-to="\d+)""#, in: article).map { match in
                let parts = self.all(#"(\d+)"#, in: match)
                let kind = match.hasPrefix("edge stub") ? " stub" : match.hasPrefix("edge earlier") ? " earlier" : ""
                return "\(parts[0])→\(parts[1])\(kind)"
            })
        )
    }
}

@Suite("synctrace report (HTML)")
struct ReportCommandTests {
    /// A race: A writes x after releasing L; B takes L (the release → acquire edge, 4 → 6), then writes
    /// x with nothing ordering it after A's write. Lines are events 0, 1, 2, …
    static let race = """
        main|fork(A)|m.swift:1
        main|fork(B)|m.swift:2
        A|acq(L)|a.swift:1
        A|w(y)|a.swift:2
        A|rel(L)|a.swift:3
        A|w(x)|a.swift:4
        B|acq(L)|b.swift:1
        B|r(y)|b.swift:2
        B|rel(L)|b.swift:3
        B|w(x)|b.swift:4
        main|join(A)|m.swift:3
        main|join(B)|m.swift:4

        """

    /// The fingerprints `analyze --format json` gives `trace`'s findings, in order.
    static func fingerprints(_ trace: String, _ arguments: String...) throws -> [String] {
        let result = try CommandRunner.run(["analyze", trace, "--format", "json"] + arguments)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        return try #require(root["findings"] as? [[String: Any]]).map { $0["fingerprint"] as! String }
    }

    @Test("a race's timeline: both threads, the events around the accesses, the lock's edge, no edge between the accesses")
    func raceTimeline() throws {
        let directory = try TemporaryDirectory()
        let trace = try directory.write("race.trace", Self.race)
        let output = directory.path("race.html")
        let result = try CommandRunner.run("report", trace, "--output", output)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
        let page = try ReportPage(file: output)
        #expect(page.fingerprints == (try Self.fingerprints(trace)))
        let article = try #require(page.articles.only)
        #expect(article.contains("<h3>1. DATA RACE</h3>"))
        #expect(article.contains("data race on x: write by B races with write by A"))
        let timeline = page.timeline(of: article)
        // B (thread 2) first, as the finding names it; then A (thread 1). main is not a row.
        #expect(timeline.rows == [2, 1])
        #expect(timeline.events == Array(2...9))
        #expect(timeline.findingEvents.sorted() == [5, 9])
        // A's first event ends main's fork (not drawn: a stub); B's acquisition ends A's release.
        #expect(timeline.edges == ["0→2 stub", "4→6"])
        #expect(page.all(#"(<rect class="hold")"#, in: article).count == 2)
        #expect(article.contains("nothing orders them"))
        #expect(page.html.contains("No thread waited for a lock"))
        #expect(page.html.contains(#"<p class="verdict found" id="verdict">1 finding.</p>"#))
    }

    @Test("the page is self-contained: no script, style, font or image from elsewhere")
    func selfContained() throws {
        let directory = try TemporaryDirectory()
        let trace = try directory.write("race.trace", Self.race)
        let output = directory.path("race.html")
        #expect(try CommandRunner.run("report", trace, "-o", output).status == 0)
        let html = try ReportPage(file: output).html
        for reference in [" src=", "<link", "@import", "url(http", "href=\"http", "@font-face"] {
            #expect(!html.contains(reference), "the page refers to something elsewhere: \(reference)")
        }
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<script>").count == 2, "one inline script")
    }

    @Test("names a program chose are escaped: a thread or variable named like markup stays text")
    func hostileNames() throws {
        let directory = try TemporaryDirectory()
        // A binary trace: the recorder takes any name a program gives (the text form allows fewer).
        let trace = directory.path("hostile.synctrace")
        let writer = try TraceWriter(path: trace, header: TraceHeader(program: "<script>alert(0)</script>"))
        let main = try writer.declareThread(name: "<script>alert(1)</script>")
        let worker = try writer.declareThread(name: #"x"><img src=x onerror=alert(2)>"#, parent: main)
        let variable = try writer.declareObject(kind: .variable, name: #"v&'"<i>"#)
        try writer.write([
            TraceEvent(operation: .fork, thread: main, target: worker.rawValue),
            TraceEvent(.write, thread: main, object: variable, sequence: 0, location: try writer.intern("<b>main.swift</b>:2")),
        ])
        try writer.write([TraceEvent(.write, thread: worker, object: variable, sequence: 1, location: try writer.intern("w.swift:3"))])
        try writer.finish()
        let output = directory.path("hostile.html")
        let result = try CommandRunner.run("report", trace, "-o", output)
        #expect(result.status == 0, "\(result.standardError)")
        let html = try ReportPage(file: output).html
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<i>"))
        #expect(!html.contains("<b>main"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("<title>SyncTrace report: &lt;script&gt;alert(0)&lt;/script&gt;</title>"))
        #expect(html.contains("v&amp;&#39;&quot;&lt;i&gt;"))
        #expect(try ReportPage(file: output).fingerprints.count == 1)
    }

    @Test("every finding is on the page; the first 50 have a timeline, the rest say why not")
    func manyFindings() throws {
        let directory = try TemporaryDirectory()
        // 120 races, each on a variable of its own at lines of its own: 120 findings.
        var lines = ["main|fork(A)|m.swift:1"]
        for index in 0..<120 {
            lines.append("main|w(v\(index))|m.swift:\(index + 10)")
            lines.append("A|w(v\(index))|a.swift:\(index + 10)")
        }
        let trace = try directory.write("many.trace", lines.joined(separator: "\n") + "\n")
        let output = directory.path("many.html")
        #expect(try CommandRunner.run("report", trace, "-o", output).status == 0)
        let page = try ReportPage(file: output)
        let expected = try Self.fingerprints(trace)
        #expect(expected.count == 120)
        #expect(page.fingerprints == expected)
        #expect(page.all(#"(<svg class="timeline")"#).count == 50)
        #expect(page.all(#"(only the first 50 findings get one)"#).count == 70)
        #expect(page.html.contains(#"data-timelines="50""#))
        // Fewer timelines, and fewer findings.
        #expect(try CommandRunner.run("report", trace, "-o", output, "--max-timelines", "3", "--max-findings", "10").status == 0)
        let capped = try ReportPage(file: output)
        #expect(capped.fingerprints == Array(expected.prefix(10)))
        #expect(capped.all(#"(<svg class="timeline")"#).count == 3)
        #expect(capped.html.contains("110 more findings not shown (the first 10 are: --max-findings)"))
    }

    @Test("recorded programs: a confirmed lock inversion drawn across its two threads, and a 20 ms wait in the wait table")
    func recordedPrograms() throws {
        let directory = try TemporaryDirectory()
        let program = ChildProcess.builtProduct("SeedPrograms")
        let inversion = directory.path("inversion.synctrace")
        let held = directory.path("held.synctrace")
        for (mode, trace) in [("lock-inversion", inversion), ("held-lock", held)] {
            let run = try ChildProcess.run(program, arguments: [mode], environment: ["SYNCTRACE_OUTPUT": trace], inheritingEnvironment: true)
            #expect(run.status == 0, "\(run.error)")
        }
        let output = directory.path("inversion.html")
        #expect(try CommandRunner.run("report", inversion, "--predict", "-o", output).status == 0)
        let page = try ReportPage(file: output)
        #expect(page.fingerprints == (try Self.fingerprints(inversion, "--predict")))
        let article = try #require(page.articles.only)
        #expect(article.contains("POTENTIAL DEADLOCK (CONFIRMED)"))
        let timeline = page.timeline(of: article)
        #expect(timeline.rows.count == 2)
        #expect(timeline.findingEvents.count == 4)
        #expect(Set(timeline.findingEvents).isSubset(of: Set(timeline.events)))
        // Each lock's release reaches the other thread's acquisition of it: two drawn arrows.
        #expect(timeline.edges.filter { !$0.hasSuffix("stub") && !$0.hasSuffix("earlier") }.count == 2)
        #expect(article.contains("LockInversion.swift"))

        let heldPage = directory.path("held.html")
        #expect(try CommandRunner.run("report", held, "-o", heldPage).status == 0)
        let waits = try #require(try ReportPage(file: heldPage).all(#"(<section id="waits">[\s\S]*?</section>)"#).only)
        let row = try #require(ReportPage(html: waits).all(#"(<tr><td><b>cache</b>[\s\S]*?</tr>)"#).only)
        #expect(row.contains("<td>lock</td><td>2</td><td>1</td>"))
        let total = try #require(ReportPage(html: row).all(#"</span>([0-9.]+) ms</td>"#).first.flatMap(Double.init))
        #expect(total >= 10 && total <= 5000, "a 20 ms hold waited \(total) ms")
        #expect(row.contains("HeldLock.swift:"))
    }

    @Test("a binary trace cut in half: the page says it is no clean run, stderr warns, status 0")
    func cutTrace() throws {
        let directory = try TemporaryDirectory()
        let cut = try TraceFixtures.generatedTraceCutInHalf(in: directory)
        let output = directory.path("cut.html")
        let result = try CommandRunner.run("report", cut, "-o", output)
        #expect(result.status == 0)
        #expect(result.standardError.contains("cut.synctrace was cut short"))
        let page = try ReportPage(file: output)
        #expect(page.html.contains(#"<p class="verdict cut" id="verdict">Cut short: "#))
        #expect(page.html.contains("This is not a clean run"))
        // The findings of the analysed part, the first 1,000 of them.
        let expected = try Self.fingerprints(cut)
        #expect(page.fingerprints == Array(expected.prefix(1000)))
        #expect(page.all(#"(<svg class="timeline")"#).count == min(50, expected.count))
    }

    @Test("wrong arguments, unusable traces and unwritable outputs have their statuses")
    func failures() throws {
        let directory = try TemporaryDirectory()
        let trace = try directory.write("race.trace", Self.race)
        let stdin = try CommandRunner.run(CommandRunner.executable, ["report", "-", "-o", directory.path("x.html")], input: Data(Self.race.utf8))
        #expect(stdin.status == 2)
        #expect(stdin.standardError.contains("give a file, not standard input"))
        #expect(try CommandRunner.run("report", directory.path("missing.trace"), "-o", directory.path("m.html")).status == 2)
        let garbage = try directory.write("garbage.trace", "this is no trace\n")
        #expect(try CommandRunner.run("report", garbage, "-o", directory.path("g.html")).status == 2)
        #expect(try CommandRunner.run("report", trace, "-o", "/nonexistent/dir/r.html").status == 4)
        #expect(try CommandRunner.run("report", trace, "-o", trace).status == 2)
        #expect(try CommandRunner.run("report", trace, "--max-timelines", "-1").status == 2)
        #expect(try CommandRunner.run("report", trace, "--plugin", "nonexistent").status == 2)
        // Nothing half-written is left behind.
        #expect(!FileManager.default.fileExists(atPath: directory.path("g.html")))
    }
}

extension ReportPage {
    /// A page (or part of one) from its text.
    init(html: String) {
        self.html = html
    }
}
