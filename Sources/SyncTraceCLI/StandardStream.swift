#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to stdout and stderr through their file descriptors. Callers write whole chunks (a batch
/// of lines), so there is no need for stdio's buffering or its shared mutable globals.
enum StandardStream {
    case output
    case error

    private var descriptor: Int32 {
        switch self {
        case .output: 1
        case .error: 2
        }
    }

    /// Writes all of `text`, retrying short writes; a closed pipe ends the process as usual (SIGPIPE).
    func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = systemWrite(self.descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    /// Prints a warning line: "synctrace: warning: …".
    static func warn(_ message: String) {
        Self.error.write("synctrace: warning: \(message)\n")
    }
}

/// Ends the process with `status`.
func terminate(_ status: Int32) -> Never {
    exit(status)
}

private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
