/// An optional that JSON writes as `null` when it is nil (an optional property's synthesized
/// encoding leaves the key out, and tools should find every key of the contract).
struct Nullable<Value: Encodable>: Encodable {
    var value: Value?

    init(_ value: Value?) {
        self.value = value
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value = self.value {
            try container.encode(value)
        } else {
            try container.encodeNil()
        }
    }
}
