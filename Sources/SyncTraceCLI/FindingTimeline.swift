import SyncTraceFormat
import SyncTraceReplay

/// The timeline of one finding in the HTML report: an inline SVG with a row per thread of the
/// finding and a column per event around it, in replay order (which respects happens-before, so
/// every arrow points right).
///
/// What it draws:
/// - each event as a box labelled with its operation and object (`acq accounts`, `w balance`), its
///   replay index, time and call site in a tooltip; the finding's own events outlined in red, with
///   their number in the report's list of the finding's events above;
/// - a bar under the events a lock is held across (acquisition to release) and under a wait
///   (request to what ended it);
/// - an arrow for every happens-before edge between threads that ends at a drawn event
///   (``CrossThreadEdges``): from its start when that is drawn too, else from the start of the
///   row of the thread it comes from (dashed, "from #index"), else a stub naming that thread.
///
/// Arrows are what orders events across threads; a race's two accesses have no chain of them
/// between them, which is what the report's caption says for a data race.
struct FindingTimeline {
    let neighbourhood: FindingNeighbourhoods.Neighbourhood
    let finding: Finding
    let symbols: TraceSymbols

    static let labelWidth = 170
    static let columnWidth = 86
    static let rowHeight = 70
    static let top = 40
    static let boxWidth = 78
    static let boxHeight = 24

    /// The SVG element.
    var svg: String {
        let events = self.neighbourhood.events
        let rows = self.neighbourhood.threads
        let rowOf = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($0.element, $0.offset) })
        let columnOf = Dictionary(uniqueKeysWithValues: events.enumerated().map { ($0.element.index, $0.offset) })
        // Each of the finding's events by its number in the report's list (1, 2, …) and its role.
        var roles: [UInt64: (number: Int, role: String)] = [:]
        for (number, event) in self.finding.events.enumerated() where roles[event.index] == nil {
            roles[event.index] = (number + 1, event.role.resolved(in: self.symbols))
        }
        let width = Self.labelWidth + max(events.count, 1) * Self.columnWidth + 20
        let height = Self.top + rows.count * Self.rowHeight + 10
        func x(_ column: Int) -> Int { Self.labelWidth + column * Self.columnWidth + Self.columnWidth / 2 }
        func y(_ row: Int) -> Int { Self.top + row * Self.rowHeight + Self.rowHeight / 2 }

        var svg = #"<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="\#(width)" height="\#(height)" viewBox="0 0 \#(width) \#(height)" role="img" aria-label="\#(HTMLText.escaped("Timeline of \(self.finding.title)"))">"#
        svg += ##"<defs><marker id="arrow-\##(self.neighbourhood.finding)" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1f5fbf"/></marker></defs>"##
        // The threads' rows: a label and a line.
        for (row, thread) in rows.enumerated() {
            let name = self.symbols.thread(thread).name
            svg += #"<g class="thread" data-thread="\#(thread.rawValue)"><text class="thread-name" x="8" y="\#(y(row) + 4)">\#(HTMLText.escaped(HTMLText.shortened(name, to: 22)))<title>\#(HTMLText.escaped(name))</title></text>"#
            svg += #"<line class="lifeline" x1="\#(Self.labelWidth - 6)" y1="\#(y(row))" x2="\#(width - 10)" y2="\#(y(row))"/></g>"#
        }
        // Holds and waits, under the boxes.
        var openHolds: [Int: [(object: ObjectID, column: Int)]] = [:]
        var openWait: [Int: Int] = [:]
        // A bar under the boxes: a wait lowest, holds above it, a hold taken inside another lower.
        func bar(_ row: Int, from start: Int, to end: Int, class kind: String, title: String, depth: Int = 0) {
            let left = start < 0 ? Self.labelWidth - 6 : x(start)
            let right = end >= events.count ? width - 10 : x(end)
            let offset = Self.boxHeight / 2 + 3 + 6 * min(depth, 3)
            svg += #"<rect class="\#(kind)" x="\#(left)" y="\#(y(row) + offset)" width="\#(max(right - left, 2))" height="5"><title>\#(HTMLText.escaped(title))</title></rect>"#
        }
        for (column, shown) in events.enumerated() {
            guard let row = rowOf[shown.event.thread] else { continue }
            let event = shown.event
            if event.operation != .request, let start = openWait.removeValue(forKey: row) {
                bar(row, from: start, to: column, class: "wait", title: "waits from #\(events[start].index) to #\(shown.index)", depth: openHolds[row]?.count ?? 0)
            }
            switch event.operation {
            case .acquire, .readAcquire:
                openHolds[row, default: []].append((event.object, column))
            case .release, .readRelease:
                let name = self.symbols.object(event.object).name
                if let position = openHolds[row]?.lastIndex(where: { $0.object == event.object }) {
                    let start = openHolds[row]!.remove(at: position).column
                    bar(row, from: start, to: column, class: "hold", title: "holds \(name)", depth: position)
                } else {
                    bar(row, from: -1, to: column, class: "hold", title: "holds \(name) (acquired before the events drawn)")
                }
            case .request:
                openWait[row] = column
            default:
                break
            }
        }
        for (row, holds) in openHolds {
            for (depth, hold) in holds.enumerated() {
                bar(row, from: hold.column, to: events.count, class: "hold", title: "holds \(self.symbols.object(hold.object).name) (past the events drawn)", depth: depth)
            }
        }
        for (row, start) in openWait {
            bar(row, from: start, to: events.count, class: "wait", title: "still waiting after the events drawn", depth: openHolds[row]?.count ?? 0)
        }
        // The edges between threads.
        for (column, shown) in events.enumerated() {
            guard let incoming = shown.incoming, let row = rowOf[shown.event.thread] else { continue }
            let targetX = x(column) - Self.boxWidth / 2
            let targetY = y(row)
            let edge = #"data-from="\#(incoming.index)" data-to="\#(shown.index)""#
            let title = "\(incoming.kind.rawValue): #\(incoming.index) (\(self.symbols.thread(incoming.thread).name)) → #\(shown.index)"
            if let sourceColumn = columnOf[incoming.index], let sourceRow = rowOf[incoming.thread] {
                let sourceX = x(sourceColumn) + Self.boxWidth / 2
                let sourceY = y(sourceRow)
                let bend = max((targetX - sourceX) / 2, 12)
                svg += #"<path class="edge" \#(edge) d="M\#(sourceX),\#(sourceY) C\#(sourceX + bend),\#(sourceY) \#(targetX - bend),\#(targetY) \#(targetX),\#(targetY)" marker-end="url(#arrow-\#(self.neighbourhood.finding))"><title>\#(HTMLText.escaped(title))</title></path>"#
            } else if let sourceRow = rowOf[incoming.thread] {
                let sourceX = Self.labelWidth - 6
                let sourceY = y(sourceRow)
                svg += #"<path class="edge earlier" \#(edge) d="M\#(sourceX),\#(sourceY) C\#(sourceX + 30),\#(sourceY) \#(targetX - 30),\#(targetY) \#(targetX),\#(targetY)" marker-end="url(#arrow-\#(self.neighbourhood.finding))"><title>\#(HTMLText.escaped(title + " (its start is before the events drawn)"))</title></path>"#
                svg += #"<text class="edge-note" x="\#(sourceX + 4)" y="\#(sourceY - 6)">from #\#(incoming.index)</text>"#
            } else {
                let name = self.symbols.thread(incoming.thread).name
                svg += #"<path class="edge stub" \#(edge) d="M\#(targetX - 26),\#(targetY - 26) L\#(targetX),\#(targetY)" marker-end="url(#arrow-\#(self.neighbourhood.finding))"><title>\#(HTMLText.escaped(title))</title></path>"#
                svg += #"<text class="edge-note" x="\#(targetX - 30)" y="\#(targetY - 30)" text-anchor="end">\#(HTMLText.escaped(HTMLText.shortened(name, to: 14)))</text>"#
            }
        }
        // The events.
        for (column, shown) in events.enumerated() {
            guard let row = rowOf[shown.event.thread] else { continue }
            let event = shown.event
            let label = Self.label(event, symbols: self.symbols)
            let role = roles[shown.index]
            var tooltip = "#\(shown.index) \(label) by \(self.symbols.thread(event.thread).name) at \(Self.milliseconds(event.timestamp)) ms"
            if let location = self.symbols.location(event.location) { tooltip += "\n" + location }
            if let role { tooltip = "\(role.number). \(role.role)\n" + tooltip }
            let left = x(column) - Self.boxWidth / 2
            let top = y(row) - Self.boxHeight / 2
            svg += #"<g class="event\#(role == nil ? "" : " finding-event")\#(event.operation.isSynchronization ? " sync" : "")" data-index="\#(shown.index)"><title>\#(HTMLText.escaped(tooltip))</title>"#
            svg += #"<rect x="\#(left)" y="\#(top)" width="\#(Self.boxWidth)" height="\#(Self.boxHeight)" rx="4"/>"#
            svg += #"<text x="\#(x(column))" y="\#(y(row) + 4)" text-anchor="middle">\#(HTMLText.escaped(HTMLText.shortened(label, to: 12)))</text>"#
            if let role {
                // The event's number in the report's list: the roles are there, in full.
                svg += #"<circle class="badge" cx="\#(x(column))" cy="\#(top - 10)" r="8"/><text class="badge-number" x="\#(x(column))" y="\#(top - 6)" text-anchor="middle">\#(role.number)</text>"#
            }
            svg += "</g>"
        }
        svg += "</svg>"
        return svg
    }

    /// An event's short label: its operation's name in the text form and what it operates on.
    static func label(_ event: TraceEvent, symbols: TraceSymbols) -> String {
        switch event.operation.target {
        case .object: return event.operation.textName + " " + symbols.object(event.object).name
        case .thread: return event.operation.textName + " " + symbols.thread(event.otherThread).name
        case .none: return event.operation.textName
        }
    }

    /// Microseconds as milliseconds with three decimals.
    static func milliseconds(_ microseconds: UInt64) -> String {
        let fraction = microseconds % 1000
        return "\(microseconds / 1000)." + (fraction < 10 ? "00" : fraction < 100 ? "0" : "") + "\(fraction)"
    }
}

extension TraceOperation {
    /// Any operation but a plain access and the trace's own markers.
    fileprivate var isSynchronization: Bool { ![.read, .write, .begin, .end].contains(self) }
}
