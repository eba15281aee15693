import Foundation
import SyncTraceFormat
import SyncTraceReplay

/// Works out where a finding points in the source: the location of its first event that recorded
/// one.
///
/// The recorder captures a call site as `#fileID` and `#line` ("AdoptionTests/RaceTests.swift:18"),
/// which names a file but not where it is; a test framework wants a path (Xcode and editors open it,
/// `swift test` prints it). The path comes from, in order: the event's recorded stack (a frame at the
/// same file and line carries the compiler's absolute path), the test's own file when the fileID is
/// the test's, a file of that name beside the test's file when the module is the test's, else the
/// fileID itself.
struct FindingLocator {
    /// The test's own file, as its framework knows it (`#fileID`, `#filePath`).
    let testFileID: String
    let testFilePath: String

    /// Where `finding` points, its names read from `symbols`; nil when no event recorded a location.
    func location(of finding: Finding, symbols: TraceSymbols) -> FindingLocation? {
        for event in finding.events {
            guard let text = symbols.location(event.location), let (fileID, line) = Self.split(text) else { continue }
            let path = self.path(of: fileID, line: line, stack: symbols.stack(event.location))
            return FindingLocation(fileID: fileID, filePath: path, line: line)
        }
        return nil
    }

    /// "Module/File.swift:12" as ("Module/File.swift", 12); nil for a text of another shape.
    static func split(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let line = Int(text[text.index(after: colon)...]), line > 0 else {
            return nil
        }
        let fileID = String(text[..<colon])
        return fileID.isEmpty ? nil : (fileID, line)
    }

    private func path(of fileID: String, line: Int, stack: [StackFrame]) -> String {
        let fileName = fileID.split(separator: "/").last.map(String.init) ?? fileID
        // The stack's frame for the call site itself: the same file name and line. Earlier frames
        // are the recorder's own (an unoptimized build keeps them).
        if let frame = stack.first(where: { $0.line == line && ($0.file.map { Self.isPath($0, of: fileName) } ?? false) }),
            let file = frame.file
        {
            return file
        }
        if fileID == self.testFileID { return self.testFilePath }
        let module = fileID.split(separator: "/").first.map(String.init)
        let testModule = self.testFileID.split(separator: "/").first.map(String.init)
        if module == testModule, self.testFilePath.hasPrefix("/") {
            let sibling = URL(fileURLWithPath: self.testFilePath).deletingLastPathComponent().appendingPathComponent(fileName).path
            if FileManager.default.fileExists(atPath: sibling) { return sibling }
        }
        return fileID
    }

    /// Whether `path` is an absolute path to a file named `fileName`.
    private static func isPath(_ path: String, of fileName: String) -> Bool {
        path.hasPrefix("/") && (path.hasSuffix("/" + fileName))
    }
}
