/// Encodes addresses and images in the toolchain's compact backtrace and image-map formats
/// (swift/docs/CompactBacktraceFormat.md, CompactImageMapFormat.md), the form `Runtime.Backtrace`
/// decodes from: the only way to hand it addresses captured elsewhere, by this recorder's
/// frame-pointer walk or by another process.
enum CompactBacktraceEncoding {
    /// The information byte: format version 0, 64-bit words.
    private static let information: UInt8 = 0x02

    /// A backtrace of `frames` (address, whether it is a program counter), every address absolute.
    static func backtrace(_ frames: [(address: UInt64, isProgramCounter: Bool)]) -> [UInt8] {
        var bytes: [UInt8] = [Self.information]
        for frame in frames {
            // `pc` is 0001, `ra` 0010; bit 3 marks an absolute address; the low three bits say how
            // many bytes follow, less one (always eight here).
            bytes.append((frame.isProgramCounter ? 0x10 : 0x20) | 0x08 | 0x07)
            Self.appendBigEndian(frame.address, to: &bytes)
        }
        bytes.append(0x00)
        return bytes
    }

    /// An image map of `images`, in order of base address, on platform `platform`.
    static func imageMap(_ images: [TraceImage], platform: String) -> [UInt8] {
        var bytes: [UInt8] = [Self.information]
        let name = Array(platform.utf8)
        Self.appendCount(name.count, to: &bytes)
        bytes.append(contentsOf: name)
        let sorted = images.sorted { $0.baseAddress < $1.baseAddress }
        Self.appendCount(sorted.count, to: &bytes)
        for image in sorted {
            // Absolute base (r = 0), eight bytes of base and eight of end-of-text offset.
            bytes.append(0x07 << 3 | 0x07)
            Self.appendBigEndian(image.baseAddress, to: &bytes)
            Self.appendBigEndian(image.endOfText &- image.baseAddress, to: &bytes)
            Self.appendCount(image.buildID.count, to: &bytes)
            bytes.append(contentsOf: image.buildID)
            // The path as raw string chunks of at most 63 bytes (`str`), then `end`.
            var path = Array(image.path.utf8)[...]
            while !path.isEmpty {
                let chunk = path.prefix(63)
                bytes.append(UInt8(chunk.count))
                bytes.append(contentsOf: chunk)
                path = path.dropFirst(chunk.count)
            }
            bytes.append(0x00)
        }
        return bytes
    }

    private static func appendBigEndian(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Seven bits a byte, most significant first, the top bit set on all but the last.
    private static func appendCount(_ count: Int, to bytes: inout [UInt8]) {
        var groups: [UInt8] = []
        var rest = count
        repeat {
            groups.append(UInt8(rest & 0x7F))
            rest >>= 7
        } while rest > 0
        for (index, group) in groups.reversed().enumerated() { bytes.append(index == groups.count - 1 ? group : group | 0x80) }
    }

    /// Standard base64 with padding.
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let a = UInt32(bytes[index])
            let b = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let c = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let triple = a << 16 | b << 8 | c
            out.append(alphabet[Int(triple >> 18 & 63)])
            out.append(alphabet[Int(triple >> 12 & 63)])
            out.append(index + 1 < bytes.count ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
