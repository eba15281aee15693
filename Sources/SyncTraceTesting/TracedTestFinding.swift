/// One finding of a traced test, ready for a test framework to report: the report's text for it and
/// where in the source it points.
struct TracedTestFinding: Sendable {
    /// The finding's block, as `synctrace analyze` prints it (`WARNING: DATA RACE` …).
    let text: String
    /// The source location of its first event with one, if any event recorded one.
    let location: FindingLocation?
}

/// A finding's place in the source, for a test framework's issue: the fileID the recorder captured
/// (`Module/File.swift`), the file's path on disk when it can be told, and the line.
struct FindingLocation: Sendable, Hashable {
    /// `Module/File.swift`, as `#fileID` says it.
    let fileID: String
    /// The file's absolute path when known (from the event's recorded stack, or the test's own file),
    /// else the fileID again: a test framework needs a path, and the fileID is the best left.
    let filePath: String
    /// The line (1-based).
    let line: Int
}
