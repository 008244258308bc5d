import Benchmarks

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
        if let unknown = try AnyCodingKey.unknownKeys(in: decoder, known: valid).first {
            throw ConfigError.unknownKey(unknown, type: type, valid: valid.sorted())
        }
    }
}
