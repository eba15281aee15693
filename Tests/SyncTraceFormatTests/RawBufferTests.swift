@testable import SyncTraceFormat
import Testing

/// `RawBuffer`, the one owner of raw memory in the format module, and the owners built on it.
@Suite("Raw storage")
struct RawBufferTests {
    @Test("growing keeps exactly the elements asked for and at least doubles; a fitting reserve changes nothing")
    func growthKeepsThePreservedPrefix() {
        var buffer = RawBuffer<UInt64>(capacity: 3)
        #expect(buffer.capacity == 3)
        for index in 0..<3 { buffer.base[index] = UInt64(index) * 7 }
        let before = buffer.base
        buffer.reserve(3, preserving: 3)
        #expect(buffer.base == before && buffer.capacity == 3)
        buffer.reserve(4, preserving: 3)
        #expect(buffer.capacity == 6)
        #expect((0..<3).map { buffer.base[$0] } == [0, 7, 14])
        buffer.reserve(100, preserving: 2)
        #expect(buffer.capacity == 192)
        #expect((0..<2).map { buffer.base[$0] } == [0, 7])
    }

    @Test("appending one element at a time grows the capacity a logarithmic number of times")
    func amortizedGrowth() {
        var buffer = RawBuffer<UInt32>(capacity: 1)
        var growths = 0
        for index in 0..<100_000 {
            let capacity = buffer.capacity
            buffer.reserve(index + 1, preserving: index)
            if buffer.capacity != capacity { growths += 1 }
            buffer.base[index] = UInt32(index)
        }
        #expect(growths == 17)
        #expect(UnsafeBufferPointer(start: buffer.base, count: 100_000).elementsEqual((0..<100_000).map { UInt32($0) }))
    }

    @Test("a byte sink that starts small keeps every byte across its growths")
    func byteSinkGrowth() {
        let sink = ByteSink(capacity: 64)
        var expected: [UInt8] = []
        for value in 0..<50_000 {
            sink.reserve(10)
            sink.writeVarint(UInt64(value))
            var remaining = UInt64(value)
            while remaining >= 0x80 {
                expected.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
                remaining >>= 7
            }
            expected.append(UInt8(remaining))
        }
        #expect(Array(sink.bytes) == expected)
    }
}
