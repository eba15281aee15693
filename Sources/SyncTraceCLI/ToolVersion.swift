/// The version of SyncTrace this tool is: what `synctrace --version` prints and what a SARIF log
/// names as its tool's version (semantic versioning).
enum ToolVersion {
    static let current = "0.16.0"
}
