import Foundation
import SyncTraceFormat
import Testing

/// The plugin guide (`WritingAPlugin.md`) lists every operation a plugin can subscribe to: a
/// `TraceOperation` member added without a row in its table fails here.
@Suite("The plugin guide's list of operations")
struct PluginGuideOperationsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The guide's operations table: (member, text form) of each row under "### The operations".
    static func guideRows() throws -> [(member: String, text: String)] {
        let guide = try String(
            contentsOf: Self.root.appendingPathComponent("Sources/SyncTraceReplay/SyncTraceReplay.docc/WritingAPlugin.md"),
            encoding: .utf8
        )
        let section = try #require(guide.range(of: "\n### The operations\n"))
        let rest = guide[section.upperBound...]
        let body = rest[..<(rest.range(of: "\n#")?.lowerBound ?? rest.endIndex)]
        return body.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 3, cells[0].hasPrefix("`."), cells[1].hasPrefix("`") else { return nil }
            return (String(cells[0].dropFirst(2).dropLast()), String(cells[1].dropFirst().dropLast()))
        }
    }

    /// `TraceOperation`'s static members of its own type, from its source, each with the text form
    /// its documentation starts with (`` /// `fork(U)`: … ``).
    static func declaredMembers() throws -> [(member: String, text: String)] {
        let source = try String(
            contentsOf: Self.root.appendingPathComponent("Sources/SyncTraceFormat/TraceOperation.swift"),
            encoding: .utf8
        )
        var members: [(member: String, text: String)] = []
        var documented = ""
        for line in source.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("/// `") {
                documented = String(trimmed.dropFirst(5).prefix { $0 != "`" })
            } else if let start = line.range(of: "public static var "), line.contains(": TraceOperation {") {
                members.append((String(line[start.upperBound...].prefix { $0 != ":" }), documented))
            }
        }
        return members
    }

    @Test("every static member of TraceOperation has a row, and every row is a member")
    func everyMemberListed() throws {
        let members = try Self.declaredMembers()
        let rows = try Self.guideRows()
        #expect(members.count == TraceOperation.allCases.count, "the source scan finds every operation this build knows")
        #expect(Set(rows.map(\.member)) == Set(members.map(\.member)))
        #expect(rows.count == members.count, "one row per member")
        // Each row's text form is the one the member's own documentation gives.
        for member in members {
            #expect(rows.first { $0.member == member.member }?.text == member.text, "\(member.member)")
        }
    }

    @Test("every operation's text name is in its row's text form, one row each")
    func textForms() throws {
        let rows = try Self.guideRows()
        let named = rows.map { row in String(row.text.prefix { $0 != "(" }) }
        #expect(Set(named) == Set(TraceOperation.allCases.map(\.textName)))
        #expect(named.count == TraceOperation.allCases.count)
    }
}
