import Tokenizers

extension HFTokenizer: EngineTokenizer {
    /// The ids of `text` (the post-processor's special tokens with `addSpecialTokens`).
    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int32] {
        let ids: [Int] = encode(text, addSpecialTokens: addSpecialTokens)
        return ids.map { Int32(truncatingIfNeeded: $0) }
    }

    /// The text of `ids` through the tokenizer's decoder.
    public func decode(_ ids: [Int32], skipSpecialTokens: Bool) -> String {
        decode(ids.map(Int.init), skipSpecialTokens: skipSpecialTokens)
    }

    /// The vocabulary entry of `id`.
    public func tokenText(_ id: Int32) -> String? {
        token(for: Int(id))
    }

    /// An `IncrementalDecoder` that skips special tokens, as vLLM's
    /// detokenizer does for generated text.
    public func makeStreamDecoder() -> any TokenStreamDecoder {
        HFStreamDecoder(decoder: IncrementalDecoder(tokenizer: self, skipSpecialTokens: true))
    }
}

/// The engine's view of an `IncrementalDecoder`: UTF-8 bytes per id.
struct HFStreamDecoder: TokenStreamDecoder {
    var decoder: IncrementalDecoder

    mutating func append(_ id: Int32) -> [UInt8] {
        Array(decoder.add(Int(id)).utf8)
    }

    mutating func finish() -> [UInt8] {
        Array(decoder.finish().utf8)
    }
}
