import Foundation
@testable import PluginAPIDigestTool
import SyncTraceReplay
import Testing

/// The digest `--load` compares: it changes with the code of SyncTraceFormat and SyncTraceReplay and
/// (and the modules they depend on) and with the configuration, and not with comments or layout; and
/// the one compiled into this build is the digest of those modules' files as they are now.
@Suite("The plugin interface digest")
struct PluginInterfaceDigestTests {
    func digest(_ source: String, label: String = "M/a.swift") -> UInt64 {
        var digest = SourceDigest()
        digest.add(label: label, source: source)
        return digest.value
    }

    @Test("comments and whitespace do not count; code, string contents and file names do")
    func whatCounts() {
        let base = digest("public struct S {\n    @inlinable public var x: Int { 1 }\n}\n")
        #expect(digest("/// Docs.\npublic struct S { // why\n  /* a /* nested */ block */ @inlinable public var x: Int { 1 }\n}") == base)
        #expect(digest("public struct S {\n    @inlinable public var x: Int { 2 }\n}\n") != base)
        #expect(digest("public struct S {\n    @inlinable public var x: Int { 1 }\n}\n", label: "M/b.swift") != base)
        // A `//` inside a string (or a string inside an interpolation) is not a comment.
        let url = digest("let u = \"https://a\"\nlet v = 1")
        #expect(url != digest("let u = \"https://a\"\nlet v = 2"))
        #expect(digest("let s = \"\\(f(\"x\")) //\"\nlet v = 1") != digest("let s = \"\\(f(\"x\")) //\"\nlet v = 2"))
        // Spaces inside a string literal are its contents.
        #expect(digest("let s = \"a  b\"") != digest("let s = \"a b\""))
    }

    @Test("the digest compiled into this build is that of SyncTraceReplay's files and its dependencies' now, its low bit the configuration")
    func compiledDigestIsTheSources() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var files: [(label: String, url: URL)] = []
        // SyncTraceReplay and every source module it depends on, as the build plugin collects them.
        for module in ["SyncTraceFormat", "SyncTraceReplay", "_SyncTraceDataStructures"] {
            let directory = root.appendingPathComponent("Sources").appendingPathComponent(module)
            let enumerator = try #require(FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil))
            for case let url as URL in enumerator where url.pathExtension == "swift" {
                let relative = String(url.standardizedFileURL.path.dropFirst(directory.standardizedFileURL.path.count))
                files.append(("\(module)\(relative)", url))
            }
        }
        files.sort { $0.label < $1.label }
        var digest = SourceDigest()
        for file in files { digest.add(label: file.label, source: try String(contentsOf: file.url, encoding: .utf8)) }
        #if DEBUG
        let configuration: UInt64 = 1
        #else
        let configuration: UInt64 = 0
        #endif
        #expect(SyncTracePluginAPI.interfaceDigestOfThisBuild == digest.value & ~1 | configuration)
    }
}
