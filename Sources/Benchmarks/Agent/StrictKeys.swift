/// A coding key for any string, used to list the keys a JSON object holds.
struct AnyCodingKey: CodingKey, Hashable {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// Strict decoding of configuration objects: a key the type does not know is
/// an error (a typo such as `"temprature"` must not silently fall back to a
/// default).
enum StrictKeys {
    /// Throws when the object being decoded holds a key outside `known`.
    /// - Parameters:
    ///   - decoder: the decoder of the object.
    ///   - known: the snake_case keys the type reads.
    /// - Throws: `DecodingError.dataCorrupted` naming the unknown keys and
    ///   the valid ones.
    static func reject(_ decoder: any Decoder, allowing known: Set<String>) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        let unknown = container.allKeys.map(\.stringValue).filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: "unknown key(s) \(unknown.joined(separator: ", ")); "
                        + "valid keys: \(known.sorted().joined(separator: ", "))"))
        }
    }

    /// Throws a `DecodingError.dataCorrupted` for an out-of-range value.
    static func invalid(_ key: some CodingKey, _ message: String, in decoder: any Decoder) -> DecodingError {
        DecodingError.dataCorrupted(
            DecodingError.Context(
                codingPath: decoder.codingPath + [key], debugDescription: message))
    }
}
