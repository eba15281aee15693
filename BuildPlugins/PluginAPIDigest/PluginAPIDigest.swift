import Foundation
import PackagePlugin

/// Generates `SyncTracePluginAPI.interfaceDigest` for the target it is applied to (SyncTraceReplay):
/// a digest of the Swift code of that target and of every source target it depends on
/// (SyncTraceFormat), which `synctrace analyze --load` compares with the digest a plugin library was
/// compiled with. It runs the `PluginAPIDigestTool` executable whenever one of those files changes.
@main
struct PluginAPIDigest: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        var inputs: [(label: String, url: URL)] = []
        var visited: Set<String> = []
        func collect(_ target: Target) {
            guard visited.insert(target.name).inserted else { return }
            for case .target(let dependency) in target.dependencies { collect(dependency) }
            guard let module = target as? SourceModuleTarget else { return }
            let root = module.directoryURL.standardizedFileURL.path
            for file in module.sourceFiles(withSuffix: "swift") {
                // Labelled by module and path inside it, never by absolute path: a plugin's checkout
                // of the same sources elsewhere gets the same digest.
                let path = file.url.standardizedFileURL.path
                let relative = path.hasPrefix(root) ? String(path.dropFirst(root.count)) : file.url.lastPathComponent
                inputs.append(("\(module.name)\(relative)", file.url))
            }
        }
        collect(target)
        inputs.sort { $0.label < $1.label }
        let output = context.pluginWorkDirectoryURL.appending(path: "PluginAPIDigest.swift")
        return [
            .buildCommand(
                displayName: "Digest of the plugin interface of \(target.name)",
                executable: try context.tool(named: "PluginAPIDigestTool").url,
                arguments: [output.path] + inputs.flatMap { [$0.label, $0.url.path] },
                inputFiles: inputs.map(\.url),
                outputFiles: [output]
            ),
        ]
    }
}
