#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing outputs so that a failure never leaves a half file in place: into a temporary file beside
/// the destination, renamed over it once complete. Every failure here is ``ExitStatus/cannotWrite``
/// and names the destination as the user wrote it.
enum OutputFile {
    /// Where an output goes, settled before anything is read or written.
    struct Destination {
        /// The path as given, for messages.
        var path: String
        /// The file to replace: `path`, or the file it links to (writing through a symbolic link
        /// replaces its target, as writing to it would, not the link).
        var target: String
        /// False for a device or a FIFO (`/dev/null`, `/dev/stdout`, a named pipe): written in place,
        /// since renaming a file over it would replace the device, and nothing half written stays.
        var isReplacedWhole: Bool
    }

    /// Checks `path` as an output: refuses an empty path (bad usage), a directory, and a path whose
    /// directory does not exist.
    static func destination(_ path: String) throws(CommandFailure) -> Destination {
        // Not a file that cannot be written but no file at all: the argument is wrong.
        guard !path.isEmpty else { throw CommandFailure("the output path is empty; give a file name, or - for stdout") }
        var status = stat()
        guard stat(path, &status) == 0 else {
            guard errno == ENOENT else { throw .cannotWrite(path, Self.systemReason()) }
            // A new file, or a dangling link: the link's target is what a write would create.
            return Destination(path: path, target: Self.linkTarget(path) ?? path, isReplacedWhole: true)
        }
        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            throw .cannotWrite(path, "it is a directory")
        case S_IFREG:
            return Destination(path: path, target: Self.resolved(path), isReplacedWhole: true)
        default:
            return Destination(path: path, target: path, isReplacedWhole: false)
        }
    }

    /// Creates an empty temporary file in the destination's directory (so the rename cannot cross
    /// file systems), exclusively: a name that exists already, another run's, is never reused.
    /// Creating it early fails early, before any work, when the directory is not writable.
    static func temporaryPath(for destination: Destination) throws(CommandFailure) -> String {
        for attempt in 0..<100 {
            let temporary = "\(destination.target).tmp-\(getpid())-\(attempt)"
            // 0o666 less the umask, as the destination would get if written directly.
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 {
                close(descriptor)
                return temporary
            }
            guard errno == EEXIST else { throw .cannotWrite(destination.path, Self.systemReason()) }
        }
        throw .cannotWrite(destination.path, "no free temporary name beside it")
    }

    /// Renames the finished temporary file over the destination; removes it if that fails.
    static func moveIntoPlace(_ temporary: String, _ destination: Destination) throws(CommandFailure) {
        guard rename(temporary, destination.target) == 0 else {
            let failure = CommandFailure.cannotWrite(destination.path, Self.systemReason())
            unlink(temporary)
            throw failure
        }
    }

    /// Refuses an `output` that is the file `input` — the same path, a symbolic link to it or from
    /// it, a hard link (the same device and inode), or for `input` `-` the file standard input was
    /// redirected from (`convert - x.std < x.std`) — which writing would replace: a usage error,
    /// ``ExitStatus/usage``. An `output` of `-` (standard output) replaces no file.
    static func refuseOverwriting(input: String, with output: String, role: String = "the output") throws(CommandFailure) {
        guard output != "-" else { return }
        var inputStatus = stat()
        var outputStatus = stat()
        let inputKnown = input == "-" ? fstat(0, &inputStatus) == 0 : stat(input, &inputStatus) == 0
        guard inputKnown, stat(output, &outputStatus) == 0 else { return }
        guard inputStatus.st_dev == outputStatus.st_dev, inputStatus.st_ino == outputStatus.st_ino else { return }
        // A device (`/dev/stdin` read and `/dev/stdout` written, say) is not a file that writing replaces.
        guard inputStatus.st_mode & S_IFMT == S_IFREG else { return }
        let how: String
        if input == "-" {
            how = "standard input is read from that file"
        } else if Self.linkTarget(output) != nil {
            how = "\(output) is a symbolic link to \(input)"
        } else if Self.linkTarget(input) != nil {
            how = "\(input) is a symbolic link to \(output)"
        } else if Self.resolved(input) == Self.resolved(output) {
            how = "it is the input itself"
        } else {
            how = "\(output) is a hard link to \(input) (the same file)"
        }
        throw CommandFailure(
            "refusing to write \(role) to \(output): \(how), and the input would be lost; give another output path"
        )
    }

    /// The reason for the current `errno`: "Permission denied".
    static func systemReason() -> String {
        String(cString: strerror(errno))
    }

    /// The path `path` names with every symbolic link resolved, or `path` if that fails.
    private static func resolved(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Where the symbolic link at `path` points (relative to its directory), or nil if `path` is no link.
    private static func linkTarget(_ path: String) -> String? {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard !target.hasPrefix("/"), let slash = path.lastIndex(of: "/") else { return target }
        return String(path[...slash]) + target
    }
}
