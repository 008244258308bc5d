/// Why a configuration (`GPTConfig`, `AdamWConfig`, `LRSchedule`,
/// `GenerationConfig`) was refused.
public enum ConfigError: Error, Equatable, CustomStringConvertible {
    /// A JSON key that is not a field of `type`.
    case unknownKey(String, type: String, valid: [String])
    /// A value out of range or inconsistent with another.
    case invalid(String)

    public var description: String {
        switch self {
        case .unknownKey(let key, let type, let valid):
            "unknown \(type) key \"\(key)\" (valid keys: \(valid.joined(separator: ", ")))"
        case .invalid(let message):
            "invalid configuration: \(message)"
        }
    }

    /// Throws `unknownKey` for the first (alphabetically) key of the JSON
    /// object being decoded that is not in `valid`.
    /// - Parameters:
    ///   - decoder: the decoder positioned at the object.
    ///   - valid: the accepted keys.
    ///   - type: a name for the message, e.g. "GPT config".
    static func rejectUnknownKeys(in decoder: any Decoder, valid: [String], type: String) throws {
        let keys = try decoder.container(keyedBy: AnyCodingKey.self).allKeys.map(\.stringValue)
        let known = Set(valid)
        if let unknown = keys.filter({ !known.contains($0) }).sorted().first {
            throw ConfigError.unknownKey(unknown, type: type, valid: valid.sorted())
        }
    }
}

/// A coding key accepting any string, used to list the keys present in JSON.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}
