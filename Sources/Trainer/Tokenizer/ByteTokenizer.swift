import Foundation

/// Byte-level tokenizer: ids 0-255 are the UTF-8 bytes of the text, ids 256
/// and up are `SpecialToken`s; ids from `SpecialToken` count up to
/// `vocabSize` are unassigned. Encoding greedily replaces protocol tags
/// (`<think>`, `</search>`, ...) by their token; decoding is the exact inverse,
/// so `decode(encode(s)) == s` for every string.
public struct ByteTokenizer: Sendable, Equatable {
    /// Size of the id space (the model's V); at least 256 + special tokens.
    public let vocabSize: Int
    /// The tags `encode` matches, with their UTF-8 bytes, longest first.
    private let tags: [(bytes: [UInt8], id: Int32)]

    /// First id after the special tokens.
    public static let assignedCount = 256 + SpecialToken.allCases.count

    /// Creates the tokenizer.
    /// - Parameter vocabSize: the model vocabulary (default 512).
    /// - Throws: `TokenizerError.vocabularyTooSmall` below `assignedCount`.
    public init(vocabSize: Int = 512) throws(TokenizerError) {
        guard vocabSize >= Self.assignedCount else {
            throw .vocabularyTooSmall(vocabSize, needed: Self.assignedCount)
        }
        self.vocabSize = vocabSize
        tags = SpecialToken.tags
            .map { (Array($0.text.utf8), $0.id) }
            .sorted { $0.bytes.count > $1.bytes.count }
    }

    public static func == (lhs: ByteTokenizer, rhs: ByteTokenizer) -> Bool {
        lhs.vocabSize == rhs.vocabSize
    }

    /// Token ids for `text`: tags become their special token, everything else
    /// its UTF-8 bytes.
    /// - Parameters:
    ///   - text: the text.
    ///   - addBOS: prepend `SpecialToken.bos`.
    public func encode(_ text: String, addBOS: Bool = false) -> [Int32] {
        let bytes = Array(text.utf8)
        var ids: [Int32] = []
        ids.reserveCapacity(bytes.count + 1)
        if addBOS { ids.append(SpecialToken.bos.id) }
        var i = 0
        outer: while i < bytes.count {
            if bytes[i] == UInt8(ascii: "<") {
                for tag in tags where i + tag.bytes.count <= bytes.count {
                    if bytes[i..<(i + tag.bytes.count)].elementsEqual(tag.bytes) {
                        ids.append(tag.id)
                        i += tag.bytes.count
                        continue outer
                    }
                }
            }
            ids.append(Int32(bytes[i]))
            i += 1
        }
        return ids
    }

    /// The UTF-8 bytes `ids` stand for: bytes as themselves, tags as their
    /// text; control tokens and unassigned or out-of-range ids contribute nothing.
    public func decodeBytes(_ ids: some Sequence<Int32>) -> [UInt8] {
        var bytes: [UInt8] = []
        for id in ids { appendBytes(of: id, to: &bytes) }
        return bytes
    }

    /// Appends the bytes of one token (see `decodeBytes`).
    public func appendBytes(of id: Int32, to bytes: inout [UInt8]) {
        if id >= 0 && id < 256 {
            bytes.append(UInt8(id))
        } else if let special = SpecialToken(rawValue: id), !special.isControl {
            bytes.append(contentsOf: special.text.utf8)
        }
    }

    /// The text for `ids` (invalid UTF-8, possible only from arbitrary ids,
    /// is repaired with U+FFFD).
    public func decode(_ ids: some Sequence<Int32>) -> String {
        String(decoding: decodeBytes(ids), as: UTF8.self)
    }

    /// Whether `id` is a byte or a special token.
    public func isAssigned(_ id: Int32) -> Bool {
        id >= 0 && Int(id) < Self.assignedCount
    }
}

/// Why a tokenizer could not be built or loaded.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// The vocabulary cannot hold the bytes and special tokens.
    case vocabularyTooSmall(Int, needed: Int)
    /// A serialised tokenizer description that does not match this tokenizer.
    case mismatch(String)

    public var description: String {
        switch self {
        case .vocabularyTooSmall(let size, let needed):
            "vocabulary of \(size) is too small for the byte tokenizer (needs \(needed))"
        case .mismatch(let message):
            "tokenizer mismatch: \(message)"
        }
    }
}

extension ByteTokenizer {
    /// The tokenizer as stored in a checkpoint's `tokenizer` metadata.
    ///
    /// ```json
    /// {"special_tokens":{"<think>":259,...},"type":"byte-level","vocab_size":512}
    /// ```
    public struct Descriptor: Codable, Sendable, Equatable {
        /// Always `byte-level`.
        public var type: String
        /// The model vocabulary.
        public var vocabSize: Int
        /// Text of each special token -> its id.
        public var specialTokens: [String: Int32]

        enum CodingKeys: String, CodingKey {
            case type
            case vocabSize = "vocab_size"
            case specialTokens = "special_tokens"
        }
    }

    /// This tokenizer's description.
    public var descriptor: Descriptor {
        Descriptor(
            type: "byte-level", vocabSize: vocabSize,
            specialTokens: Dictionary(uniqueKeysWithValues: SpecialToken.allCases.map { ($0.text, $0.id) }))
    }

    /// The description as compact JSON with sorted keys (deterministic).
    public var jsonDescription: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(descriptor) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Rebuilds a tokenizer from its JSON description, refusing any that does
    /// not describe this byte-level tokenizer with the same special tokens.
    /// - Parameter jsonDescription: the JSON text.
    /// - Throws: `TokenizerError.mismatch` or `.vocabularyTooSmall`.
    public init(jsonDescription: String) throws(TokenizerError) {
        let decoded: Descriptor
        do {
            decoded = try JSONDecoder().decode(Descriptor.self, from: Data(jsonDescription.utf8))
        } catch {
            throw .mismatch("tokenizer description is not valid JSON of the expected shape: \(error)")
        }
        guard decoded.type == "byte-level" else {
            throw .mismatch("tokenizer type is \"\(decoded.type)\", expected \"byte-level\"")
        }
        try self.init(vocabSize: decoded.vocabSize)
        let expected = descriptor.specialTokens
        guard decoded.specialTokens == expected else {
            let differing = Set(expected.keys).symmetricDifference(decoded.specialTokens.keys)
                .union(expected.keys.filter { decoded.specialTokens[$0] != nil && decoded.specialTokens[$0] != expected[$0] })
            throw .mismatch("special tokens differ from this tokenizer's: \(differing.sorted().joined(separator: ", "))")
        }
    }
}
