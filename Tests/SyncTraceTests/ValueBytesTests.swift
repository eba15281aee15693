@testable import SyncTrace
import Testing

/// The byte images a `TracedMutex` compares to tell whether a section changed its value.
@Suite("Value bytes")
struct ValueBytesTests {
    static func image<T>(_ value: T) -> ValueBytes {
        var copy = value
        return ValueBytes(of: &copy)
    }

    @Test("small values compare exactly, byte by byte")
    func smallValues() {
        #expect(Self.image(42) == Self.image(42))
        #expect(Self.image(42) != Self.image(43))
        #expect(Self.image(Int8(1)) != Self.image(Int16(1)))  // same bits, different sizes
        #expect(Self.image(()) == Self.image(()))
        #expect(Self.image((1, 2, 3, 4, 5, 6, 7, 8)) == Self.image((1, 2, 3, 4, 5, 6, 7, 8)))
        #expect(Self.image((1, 2, 3, 4, 5, 6, 7, 8)) != Self.image((1, 2, 3, 4, 5, 6, 7, 9)))  // the 64th byte
    }

    @Test("values longer than 64 bytes compare by a hash of every byte")
    func longValues() {
        typealias Long = (Int, Int, Int, Int, Int, Int, Int, Int, Int)
        let base: Long = (1, 2, 3, 4, 5, 6, 7, 8, 9)
        #expect(Self.image(base) == Self.image(base))
        var last = base
        last.8 = 10
        var first = base
        first.0 = 0
        #expect(Self.image(base) != Self.image(last))
        #expect(Self.image(base) != Self.image(first))
        #expect(MemoryLayout<Long>.size > ValueBytes.inlineCapacity)
    }

    @Test("a copy of an array shares its storage and images equal; an append to the original then copies it")
    func referencedStorage() {
        var array = [1, 2, 3]
        let copy = array
        let before = Self.image(array)
        #expect(Self.image(copy) == before)
        array.append(4)
        #expect(Self.image(array) != before)
        #expect(copy.count == 3)
    }
}
