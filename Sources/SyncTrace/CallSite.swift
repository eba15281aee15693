/// A source location from `#fileID`/`#line`, kept as the literal's pointer so that recording an
/// event costs no string work; the writer thread interns it once per site.
struct CallSite {
    let fileID: StaticString
    let line: UInt

    init(_ fileID: StaticString, _ line: UInt) {
        self.fileID = fileID
        self.line = line
    }

    /// "Module/File.swift:12".
    var text: String { "\(self.fileID):\(self.line)" }

    /// "File.swift:12", for default names.
    var shortText: String {
        let path = "\(self.fileID)"
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return "\(file):\(self.line)"
    }
}
