// `synctrace` with the example lockset plugin compiled in: every verb of the tool, and
// `synctrace-lockset analyze TRACE --plugin lockset` (or all plugins, by default).
import LocksetPlugin
import SyncTraceCLI

SyncTraceCLI.main(extraPlugins: [{ LocksetChecker() }])
