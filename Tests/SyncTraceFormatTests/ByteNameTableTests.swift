@testable import SyncTraceFormat
import Testing

/// A hash under which every name collides: the table must still tell names apart by their bytes.
enum CollidingHash: ByteStringHash {
    static func hash(_ key: ShortKey, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 { 0x1234_5678_0000_0007 }
}

/// The byte-keyed interning table behind the text reader's names.
@Suite("Byte name table")
struct ByteNameTableTests {
    static func insert<H>(_ name: String, into table: inout ByteNameTable<H>) -> (index: Int, inserted: Bool) {
        var name = name
        return name.withUTF8 { table.insert($0) }
    }

    static func find<H>(_ name: String, in table: ByteNameTable<H>) -> Int? {
        var name = name
        return name.withUTF8 { table.find($0) }
    }

    /// Names of every length from 0 to 40 bytes, some sharing their first and last eight bytes.
    static let names: [String] = {
        var names = [""]
        for length in 1...40 { names.append(String(repeating: "a", count: length - 1) + "b") }
        // Longer than 16 bytes, equal in the first and last 8: only the middle tells them apart.
        names += ["prefix__MIDDLE_1__suffix", "prefix__MIDDLE_2__suffix", "prefix__middle_1__suffix"]
        names += ["x", "y", "xy", "yx", "abc", "acb", "T0", "T1", "lock42", "lock43", "v8493", "V8493"]
        return names
    }()

    @Test("names are numbered in order of first insertion, found again, and told apart byte by byte")
    func numbering() {
        var table = ByteNameTable<WordMixingHash>(capacity: 4)
        for (index, name) in Self.names.enumerated() {
            #expect(Self.insert(name, into: &table) == (index, true), "\(name)")
        }
        for (index, name) in Self.names.enumerated() {
            #expect(Self.insert(name, into: &table) == (index, false), "\(name)")
            #expect(Self.find(name, in: table) == index)
            #expect(table.key(index) == Array(name.utf8))
        }
        #expect(table.count == Self.names.count)
        #expect(Self.find("prefix__MIDDLE_3__suffix", in: table) == nil)
        #expect(Self.find("aaab", in: table) == 4)
        #expect(Self.find("aaaab", in: table) == 5)
        #expect(Self.find("aaa", in: table) == nil)
    }

    @Test("names that all hash alike are still kept apart, across growth")
    func collisions() {
        var table = ByteNameTable<CollidingHash>(capacity: 1)
        let names = Self.names + (0..<300).map { "name\($0)" }
        for (index, name) in names.enumerated() {
            #expect(Self.insert(name, into: &table) == (index, true), "\(name)")
        }
        for (index, name) in names.enumerated() {
            #expect(Self.find(name, in: table) == index, "\(name)")
        }
        #expect(Self.find("name300", in: table) == nil)
    }

    @Test("names that differ in one byte anywhere get hashes that differ in the low bits that pick a slot")
    func hashSpreads() {
        // Source locations that differ only in their last byte once all landed in one slot.
        let families = [
            (0..<10).map { "Shard.swift:23\($0)" }, (0..<10).map { "lock4\($0)" }, (0..<10).map { "v849\($0)" },
            (0..<10).map { "\($0)worker" }, (0..<10).map { "a_rather_long_name_with_\($0)_in_the_middle_of_it" },
        ]
        for family in families {
            let slots = Set(family.map { name -> UInt64 in
                var name = name
                return name.withUTF8 { WordMixingHash.hash(ShortKey($0), $0) } & 0xFFF
            })
            #expect(slots.count >= family.count - 1, "\(family)")
        }
    }

    @Test("a short key holds a name of up to 16 bytes whole: equal keys, equal names")
    func shortKeys() {
        func key(_ name: String) -> ShortKey {
            var name = name
            return name.withUTF8 { ShortKey($0) }
        }
        let short = Self.names.filter { $0.utf8.count <= ShortKey.wholeLength }
        #expect(Set(short.map(key)).count == short.count)
        #expect(key("abcdefgh_ijklmnop").isWhole == false)
        #expect(key("abcdefgh_ijklmno").isWhole)
    }
}
