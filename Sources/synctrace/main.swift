// The `synctrace` tool: everything lives in the SyncTraceCLI library, so that a custom build with
// plugins of its own is the same one call (see SyncTraceCLI.main).
import SyncTraceCLI

SyncTraceCLI.main()
