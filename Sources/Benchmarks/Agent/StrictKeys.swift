/// A coding key for any string, used to list the keys a JSON object holds.
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
    public let stringValue: String
    public let intValue: Int?

    public init(_ string: String) {
        self.stringValue = string
        self.intValue = nil
    }

    public init(stringValue: String) {
        self.init(stringValue)
    }

    public init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }

    /// The keys of the object `decoder` is positioned at that are not in
    /// `known`, sorted: what strict decoders in every module refuse.
    public static func unknownKeys(in decoder: any Decoder, known: some Sequence<String>) throws -> [String] {
        let valid = Set(known)
        return try decoder.container(keyedBy: AnyCodingKey.self).allKeys.map(\.stringValue)
            .filter { !valid.contains($0) }.sorted()
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
        let unknown = try AnyCodingKey.unknownKeys(in: decoder, known: known)
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
