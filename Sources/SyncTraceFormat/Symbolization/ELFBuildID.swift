#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the build id (`NT_GNU_BUILD_ID` note) of an ELF file: what tells whether a binary on disk
/// is the one a trace's frames were recorded in.
enum ELFBuildID {
    /// Why no build id could be read.
    enum Failure: Error, Equatable {
        /// The file is not there (or cannot be opened).
        case missing
        /// The file is not a 64-bit little-endian ELF file with a build id note.
        case noBuildID
    }

    /// The build id of the ELF file at `path`.
    static func read(path: String) -> Result<[UInt8], Failure> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(.missing) }
        defer { _ = close(descriptor) }
        func bytes(at offset: UInt64, count: Int) -> [UInt8]? {
            guard count >= 0, count <= 1 << 20 else { return nil }
            var buffer = [UInt8](repeating: 0, count: count)
            let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
            return read == count ? buffer : nil
        }
        guard let header = bytes(at: 0, count: 64), let notes = Self.noteSegments(header: header, read: bytes) else {
            return .failure(.noBuildID)
        }
        for (offset, size) in notes {
            guard let note = bytes(at: offset, count: Int(min(size, 1 << 16))), let id = Self.buildID(inNotes: note) else { continue }
            return .success(id)
        }
        return .failure(.noBuildID)
    }

    /// The (file offset, size) of each PT_NOTE program header of a 64-bit little-endian ELF file.
    static func noteSegments(header: [UInt8], read: (UInt64, Int) -> [UInt8]?) -> [(UInt64, UInt64)]? {
        guard header.count >= 64, header[0..<4].elementsEqual([0x7F, 0x45, 0x4C, 0x46]), header[4] == 2, header[5] == 1 else { return nil }
        let programHeaders = Self.little(header, 32, 8)
        let entrySize = Int(Self.little(header, 54, 2))
        let count = Int(Self.little(header, 56, 2))
        guard entrySize >= 56, count <= 4096, let table = read(programHeaders, entrySize * count) else { return nil }
        var notes: [(UInt64, UInt64)] = []
        for index in 0..<count {
            let entry = index * entrySize
            // PT_NOTE is 4; p_offset at 8, p_filesz at 32.
            if Self.little(table, entry, 4) == 4 { notes.append((Self.little(table, entry + 8, 8), Self.little(table, entry + 32, 8))) }
        }
        return notes
    }

    /// The descriptor of the first GNU build id note among `notes` (a note segment's bytes).
    static func buildID(inNotes notes: [UInt8]) -> [UInt8]? {
        var position = 0
        while position + 12 <= notes.count {
            let nameSize = Int(Self.little(notes, position, 4))
            let descriptorSize = Int(Self.little(notes, position + 4, 4))
            let type = Self.little(notes, position + 8, 4)
            let name = position + 12
            let descriptor = name + (nameSize + 3) & ~3
            let next = descriptor + (descriptorSize + 3) & ~3
            guard nameSize >= 0, descriptorSize >= 0, next <= notes.count, next > position else { return nil }
            // NT_GNU_BUILD_ID (3), owner "GNU\0".
            if type == 3 && nameSize == 4 && notes[name..<name + 4].elementsEqual([0x47, 0x4E, 0x55, 0x00]) {
                return Array(notes[descriptor..<descriptor + descriptorSize])
            }
            position = next
        }
        return nil
    }

    /// The little-endian unsigned integer of `width` bytes at `offset` (0 past the end).
    private static func little(_ bytes: [UInt8], _ offset: Int, _ width: Int) -> UInt64 {
        guard offset >= 0, offset + width <= bytes.count else { return 0 }
        var value: UInt64 = 0
        for index in (0..<width).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        return value
    }
}
