import Foundation

/// Reads a JSON object as changes to an existing configuration: keys present
/// replace the base's values (nested objects are merged key by key), the
/// rest keep the base's; the result is decoded (and so validated) whole.
enum ConfigOverlay {
    /// Decodes `json` over `base`.
    /// - Throws: `ConfigError` for unknown keys, bad values or a non-object,
    ///   `DecodingError` for malformed JSON.
    static func decode<Config: Codable>(_ json: Data, over base: Config, type: String) throws -> Config {
        let baseObject = try JSONSerialization.jsonObject(with: JSONEncoder().encode(base))
        guard let changes = try JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw ConfigError.invalid("the \(type) must be a JSON object")
        }
        let merged = merge(baseObject as? [String: Any] ?? [:], changes)
        return try JSONDecoder().decode(Config.self, from: JSONSerialization.data(withJSONObject: merged))
    }

    static func merge(_ base: [String: Any], _ changes: [String: Any]) -> [String: Any] {
        var result = base
        for (key, value) in changes {
            if let nested = value as? [String: Any], let original = base[key] as? [String: Any] {
                result[key] = merge(original, nested)
            } else {
                result[key] = value
            }
        }
        return result
    }
}
