import SyncTraceFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A verb's text output — a report, a dump, statistics, a converted text trace — on standard output
/// or in a file, written in chunks as they are made.
///
/// A file is written into a temporary file beside it and renamed over it by ``finish()``, so that it
/// appears whole or not at all: a failure (a malformed trace halfway, a full disk) removes the
/// temporary file, and a process killed midway leaves only that file (`NAME.tmp-PID-N`), never a
/// half `NAME`. A write that fails, on standard output too (a full disk behind `>`), is
/// ``ExitStatus/cannotWrite`` with the reason — never a silently short output.
final class TextOutput {
    /// What messages call the output: the path, or "standard output".
    let name: String
    private let descriptor: Int32
    /// The destination and the temporary file written for it, until ``finish()`` renames it.
    private let replacement: (destination: OutputFile.Destination, temporary: String)?
    private var finished = false

    /// An output to `path`, or to standard output when `path` is nil or `-`. The file's directory is
    /// checked, and the temporary file made, now: an unwritable path fails before any work.
    init(_ path: String?) throws(CommandFailure) {
        guard let path, path != "-" else {
            self.name = "standard output"
            self.descriptor = 1
            self.replacement = nil
            return
        }
        self.name = path
        let destination = try OutputFile.destination(path)
        let file = destination.isReplacedWhole ? try OutputFile.temporaryPath(for: destination) : destination.target
        // The temporary file exists and is empty; a device or FIFO is written in place.
        let descriptor = open(file, O_WRONLY | O_CLOEXEC | (destination.isReplacedWhole ? O_TRUNC : 0))
        guard descriptor >= 0 else {
            let failure = CommandFailure.cannotWrite(path, OutputFile.systemReason())
            if destination.isReplacedWhole { unlink(file) }
            throw failure
        }
        self.descriptor = descriptor
        self.replacement = destination.isReplacedWhole ? (destination, file) : nil
    }

    deinit {
        guard self.descriptor != 1 else { return }
        if !self.finished {
            close(self.descriptor)
            // Whatever went wrong, no partial output stays under any name.
            if let replacement = self.replacement { unlink(replacement.temporary) }
        }
    }

    /// Writes all of `text`.
    func write(_ text: String) throws(CommandFailure) {
        var text = text
        let failed: Int32? = text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = systemWrite(self.descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return written < 0 ? errno : ENOSPC }
                offset += written
            }
            return nil
        }
        if let failed {
            throw .cannotWrite(self.name, String(cString: strerror(failed)))
        }
    }

    /// Writes the text form of every event of `source` (``TraceConversion/printText(_:emit:)``), in
    /// the chunks it comes in; a malformed input is bad usage or no usable trace (2), a failed write
    /// ``ExitStatus/cannotWrite``.
    func printText(of source: any TraceEventSource) throws(CommandFailure) {
        do throws(TraceConversionError) {
            try TraceConversion.printText(source) { (text) throws(TraceIOError) in
                do throws(CommandFailure) {
                    try self.write(text)
                } catch {
                    throw TraceIOError(reason: error.reason)
                }
            }
        } catch {
            throw CommandFailure(conversion: error)
        }
    }

    /// Completes the output: a file is flushed to the disk and renamed into place.
    func finish() throws(CommandFailure) {
        guard let replacement = self.replacement else {
            self.finished = true
            if self.descriptor != 1 { close(self.descriptor) }
            return
        }
        // On the disk before the rename, so that a power cut cannot leave the name on an empty file.
        guard fsync(self.descriptor) == 0 || errno == EINVAL else {
            throw .cannotWrite(self.name, OutputFile.systemReason())
        }
        self.finished = true
        guard close(self.descriptor) == 0 else {
            let failure = CommandFailure.cannotWrite(self.name, OutputFile.systemReason())
            unlink(replacement.temporary)
            throw failure
        }
        try OutputFile.moveIntoPlace(replacement.temporary, replacement.destination)
    }
}

/// `write(2)`, out of the method that is named `write` too.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
