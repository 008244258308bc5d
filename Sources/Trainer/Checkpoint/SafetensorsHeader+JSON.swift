/// The header JSON as decoded, before validation: `__metadata__` plus the
/// tensor entries in document order.
struct RawHeader: Decodable {
    var metadata: [String: String] = [:]
    var entries: [(String, RawEntry)] = []

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys {
            if key.stringValue == "__metadata__" {
                do {
                    metadata = try container.decode([String: String].self, forKey: key)
                } catch {
                    throw SafetensorsError.invalidMetadata("it must be an object whose values are all strings")
                }
            } else {
                entries.append((key.stringValue, try container.decode(RawEntry.self, forKey: key)))
            }
        }
    }
}

/// One tensor entry as decoded: exactly the keys `dtype`, `shape`, `data_offsets`.
struct RawEntry: Decodable {
    var dtype: String
    var shape: [Int]
    var dataOffsets: [Int]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dtype, shape
        case dataOffsets = "data_offsets"
    }

    init(from decoder: any Decoder) throws {
        let name = decoder.codingPath.last?.stringValue ?? "?"
        let keys: [String]
        do {
            keys = try decoder.container(keyedBy: AnyCodingKey.self).allKeys.map(\.stringValue)
        } catch {
            throw SafetensorsError.invalidTensorEntry(name: name, reason: "entry must be an object")
        }
        let valid = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = keys.filter({ !valid.contains($0) }).sorted().first {
            throw SafetensorsError.invalidTensorEntry(name: name, reason: "unknown key \"\(unknown)\"")
        }
        do {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            dtype = try c.decode(String.self, forKey: .dtype)
            shape = try c.decode([Int].self, forKey: .shape)
            dataOffsets = try c.decode([Int].self, forKey: .dataOffsets)
        } catch {
            throw SafetensorsError.invalidTensorEntry(
                name: name, reason: "needs \"dtype\" (string), \"shape\" and \"data_offsets\" (integer arrays)")
        }
    }
}
