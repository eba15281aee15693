#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening a trace file for one recording: the path's `%p`, and the lock that keeps two processes
/// from writing one file.
enum TraceFileLock {
    /// `path` with every `%p` replaced by the process id, as `LLVM_PROFILE_FILE` does, so that a test
    /// runner that starts many processes can give each a trace of its own (`app-%p.synctrace`).
    static func expand(_ path: String) -> String {
        path.replacing("%p", with: String(getpid()))
    }

    /// Opens `path` for writing, locked for this process, and empties it.
    ///
    /// The lock (`flock`, exclusive, not waiting) is taken before the file is truncated: a second
    /// process that finds the file locked leaves it as it is and fails with
    /// ``TraceRecorderError/pathInUse(path:)``. The lock goes with the descriptor, which the writer
    /// closes when the trace is finished (or the process ends).
    static func openLocked(_ path: String) throws(TraceRecorderError) -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { throw .pathInUse(path: path) }
            throw .cannotCreate(path: path, reason: "cannot lock it: \(String(cString: strerror(code)))")
        }
        guard ftruncate(descriptor, 0) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .cannotCreate(path: path, reason: reason)
        }
        return descriptor
    }
}
