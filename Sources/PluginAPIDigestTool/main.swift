// The PluginAPIDigest build plugin's tool: `PluginAPIDigestTool OUTPUT LABEL PATH [LABEL PATH…]`
// writes to OUTPUT the Swift file that declares `SyncTracePluginAPI.interfaceDigest`, the digest of
// the files (see SourceDigest). Rewrites OUTPUT only when it changes.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count % 2 == 1 else {
    FileHandle.standardError.write(Data("usage: PluginAPIDigestTool OUTPUT LABEL PATH [LABEL PATH…]\n".utf8))
    exit(2)
}
var digest = SourceDigest()
for pair in stride(from: 1, to: arguments.count, by: 2) {
    let path = arguments[pair + 1]
    guard let source = try? String(contentsOfFile: path, encoding: .utf8) else {
        FileHandle.standardError.write(Data("PluginAPIDigestTool: cannot read \(path)\n".utf8))
        exit(1)
    }
    digest.add(label: arguments[pair], source: source)
}
let output = URL(fileURLWithPath: arguments[0])
let generated = digest.generatedSource()
if (try? String(contentsOf: output, encoding: .utf8)) != generated {
    do {
        try generated.write(to: output, atomically: true, encoding: .utf8)
    } catch {
        FileHandle.standardError.write(Data("PluginAPIDigestTool: cannot write \(output.path): \(error)\n".utf8))
        exit(1)
    }
}
