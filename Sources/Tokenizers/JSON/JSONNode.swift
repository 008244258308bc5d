/// A parsed JSON value that keeps object keys byte-exact and in file order.
///
/// `tokenizer.json` cannot go through `JSONSerialization` or `Codable`
/// dictionaries: Swift `String` keys compare by canonical equivalence, so two
/// vocabulary entries that differ only in Unicode normalisation (a precomposed
/// "é" and "e" + U+0301, both legal in a SentencePiece vocabulary) would
/// collapse into one. Objects here are ordered arrays of pairs instead.
enum JSONNode: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONNode])
    case object([(key: String, value: JSONNode)])

    /// The value stored under `key` (first occurrence), if this is an object.
    subscript(key: String) -> JSONNode? {
        guard case .object(let entries) = self else { return nil }
        // Keys compared by scalars, not canonical equivalence (see the type's doc).
        return entries.first { $0.key.unicodeScalars.elementsEqual(key.unicodeScalars) }?.value
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }
    var int: Int? {
        switch self {
        case .int(let v): v
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: Int(d)
        default: nil
        }
    }
    var double: Double? {
        switch self {
        case .int(let v): Double(v)
        case .double(let d): d
        default: nil
        }
    }
    var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    var array: [JSONNode]? { if case .array(let a) = self { a } else { nil } }
    var entries: [(key: String, value: JSONNode)]? { if case .object(let o) = self { o } else { nil } }
    var isNull: Bool { if case .null = self { true } else { false } }

    /// The `"type"` field of a component object (normalizer, decoder, ...).
    var typeName: String? { self["type"]?.string }
}
