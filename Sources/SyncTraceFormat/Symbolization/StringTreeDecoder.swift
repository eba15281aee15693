/// A `Decoder` over a tree of strings: what the toolchain's `Runtime.Backtrace` is decoded from
/// (its `Codable` form is an object of strings, the frames and images in the toolchain's compact
/// formats), without Foundation's JSON in the format module.
struct StringTreeDecoder: Decoder {
    /// A node: a string, or an object of nodes.
    enum Node {
        case string(String)
        case object([String: Node])
    }

    let node: Node
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ node: Node) { self.node = node }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let fields) = self.node else { throw Self.mismatch(codingPath, "an object") }
        return KeyedDecodingContainer(Keyed<Key>(fields: fields, codingPath: self.codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Self.mismatch(codingPath, "an array") }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(node: self.node, codingPath: self.codingPath) }

    static func mismatch(_ path: [any CodingKey], _ expected: String) -> DecodingError {
        .typeMismatch(Any.self, DecodingError.Context(codingPath: path, debugDescription: "expected \(expected)"))
    }

    private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let fields: [String: Node]
        let codingPath: [any CodingKey]
        var allKeys: [Key] { self.fields.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { self.fields[key.stringValue] != nil }

        private func node(_ key: Key) throws -> Node {
            guard let node = self.fields[key.stringValue] else {
                throw DecodingError.keyNotFound(key, DecodingError.Context(codingPath: self.codingPath, debugDescription: "missing"))
            }
            return node
        }

        func decodeNil(forKey key: Key) throws -> Bool { self.fields[key.stringValue] == nil }

        func decode(_ type: String.Type, forKey key: Key) throws -> String {
            guard case .string(let text) = try self.node(key) else { throw StringTreeDecoder.mismatch(self.codingPath + [key], "a string") }
            return text
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            var decoder = StringTreeDecoder(try self.node(key))
            decoder.codingPath = self.codingPath + [key]
            return try T(from: decoder)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            var decoder = StringTreeDecoder(try self.node(key))
            decoder.codingPath = self.codingPath + [key]
            return try decoder.container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw StringTreeDecoder.mismatch(self.codingPath + [key], "an array")
        }

        func superDecoder() throws -> any Decoder { throw StringTreeDecoder.mismatch(self.codingPath, "no super") }
        func superDecoder(forKey key: Key) throws -> any Decoder { StringTreeDecoder(try self.node(key)) }
    }

    private struct Single: SingleValueDecodingContainer {
        let node: Node
        let codingPath: [any CodingKey]

        func decodeNil() -> Bool { false }

        func decode(_ type: String.Type) throws -> String {
            guard case .string(let text) = self.node else { throw StringTreeDecoder.mismatch(self.codingPath, "a string") }
            return text
        }

        func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: StringTreeDecoder(self.node)) }
        func decode(_ type: Bool.Type) throws -> Bool { throw StringTreeDecoder.mismatch(self.codingPath, "a string") }
        func decode(_ type: Double.Type) throws -> Double { throw StringTreeDecoder.mismatch(self.codingPath, "a string") }
        func decode(_ type: Float.Type) throws -> Float { throw StringTreeDecoder.mismatch(self.codingPath, "a string") }
        func decode(_ type: Int.Type) throws -> Int { throw StringTreeDecoder.mismatch(self.codingPath, "a string") }
        func decode(_ type: Int8.Type) throws -> Int8 { throw StringTreeDecoder.mismatch(self.codingPath, "a string") }
        func decode(_ type: Int16.Type) throws -> Int16 { throw StringTreeDecoder.mismatch(self.codingPath, "a string") }
        func decode(_ type: Int32.Type) throws -> Int32 { throw StringTreeDecoder.mismatch(self.codingPath, "a string") }
        func decode(_ type: Int64.Type) throws -> Int64 { throw StringTreeDecoder.mismatch(self.codingPath, "a string") }
        func decode(_ type: UInt.Type) throws -> UInt { throw StringTreeDecoder.mismatch(self.codingPath, "a string") }
        func decode(_ type: UInt8.Type) throws -> UInt8 { throw StringTreeDecoder.mismatch(self.codingPath, "a string") }
        func decode(_ type: UInt16.Type) throws -> UInt16 { throw StringTreeDecoder.mismatch(self.codingPath, "a string") }
        func decode(_ type: UInt32.Type) throws -> UInt32 { throw StringTreeDecoder.mismatch(self.codingPath, "a string") }
        func decode(_ type: UInt64.Type) throws -> UInt64 { throw StringTreeDecoder.mismatch(self.codingPath, "a string") }
    }
}
