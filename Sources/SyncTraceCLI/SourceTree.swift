import Foundation

/// The source files under a directory, to turn the files a trace names into paths relative to it:
/// what SARIF's locations need (`--source-root`).
///
/// A call site names its file as Swift's `#fileID` does, "Module/File.swift": the module, not the
/// directory. The tree finds the files of that name and, of several, prefers one under a directory
/// named like the module (`Sources/Module/File.swift`, `Tests/Module/File.swift`), then the
/// shortest path. An absolute path (a recorded stack's file) is made relative when it lies under the
/// root. Build and version-control directories are not searched; the walk stops at
/// ``maximumFiles`` files.
struct SourceTree {
    /// Files indexed at most: a source root is a repository, not a disk.
    static let maximumFiles = 200_000

    /// The root, absolute, without a trailing slash.
    let root: String
    /// Relative paths by file name.
    private var pathsByName: [String: [String]] = [:]
    private var resolved: [String: String?] = [:]

    /// The tree under `root` (a relative root is taken from the working directory).
    init(root: String) {
        let absolute = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        self.root = URL(fileURLWithPath: absolute).standardizedFileURL.path
        var count = 0
        guard let walker = FileManager.default.enumerator(atPath: self.root) else { return }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if (walker.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory {
                // Hidden (.git, .build, .swiftpm), and what tools generate.
                if name.hasPrefix(".") || name == "DerivedData" || name == "node_modules" { walker.skipDescendants() }
                continue
            }
            guard count < Self.maximumFiles else { break }
            count += 1
            self.pathsByName[name, default: []].append(relative)
        }
    }

    /// The path relative to the root of `file` ("Module/File.swift", or an absolute path), or nil
    /// when the tree has no such file.
    mutating func locate(_ file: String) -> String? {
        if let known = self.resolved[file] { return known }
        let found = self.find(file)
        self.resolved[file] = found
        return found
    }

    private func find(_ file: String) -> String? {
        if file.hasPrefix("/") {
            let prefix = self.root + "/"
            return file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : nil
        }
        let parts = file.split(separator: "/").map(String.init)
        guard let name = parts.last, let candidates = self.pathsByName[name], !candidates.isEmpty else { return nil }
        if candidates.count == 1 { return candidates[0] }
        // "Module/Sub/File.swift": the directories the fileID names, in order, at the path's end.
        let suffix = "/" + parts.joined(separator: "/")
        let byModule = candidates.filter { ("/" + $0).hasSuffix(suffix) }
        let module = parts.first.map { "/" + $0 + "/" } ?? ""
        let underModule = byModule.isEmpty ? candidates.filter { ("/" + $0).contains(module) } : byModule
        let pool = underModule.isEmpty ? candidates : underModule
        return pool.min { ($0.count, $0) < ($1.count, $1) }
    }
}
