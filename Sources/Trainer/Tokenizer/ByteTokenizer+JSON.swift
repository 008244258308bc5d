import Foundation

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
