import SyncTraceFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing outputs atomically: into a temporary file beside the destination, renamed when complete.
enum OutputFile {
    /// A temporary path in the destination's directory (so the rename cannot cross file systems).
    static func temporaryPath(for destination: String) throws(CommandFailure) -> String {
        let temporary = "\(destination).tmp-\(getpid())"
        // Fail early, with the destination's name, when its directory is not writable.
        guard let file = fopen(temporary, "w") else {
            throw CommandFailure(TraceIOError.system(path: destination, "cannot write"))
        }
        fclose(file)
        return temporary
    }

    /// Renames the finished temporary file over the destination.
    static func moveIntoPlace(_ temporary: String, _ destination: String) throws(CommandFailure) {
        guard rename(temporary, destination) == 0 else {
            let failure = CommandFailure(TraceIOError.system(path: destination, "cannot write"))
            unlink(temporary)
            throw failure
        }
    }
}

extension TraceIOError {
    /// An error for the current `errno`: "cannot write out.trace: Permission denied".
    static func system(path: String, _ what: String) -> TraceIOError {
        TraceIOError(reason: "\(what) \(path): \(String(cString: strerror(errno)))")
    }
}
