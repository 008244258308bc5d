/// The text side of a served model: what the engine and the servers built
/// on it need from a tokenizer (the byte tokenizer of aepo-gpt, or a
/// Hugging Face `tokenizer.json`).
public protocol EngineTokenizer: Sendable {
    /// Ids of `text`; with `addSpecialTokens`, the special tokens the
    /// model's tokenizer adds to a text (BOS for aepo-gpt and Llama, none
    /// for Qwen), as `add_special_tokens` in transformers and vLLM.
    func encode(_ text: String, addSpecialTokens: Bool) -> [Int32]
    /// The text of `ids`; with `skipSpecialTokens`, special tokens are left
    /// out (vLLM's `skip_special_tokens`, on for generated text).
    func decode(_ ids: [Int32], skipSpecialTokens: Bool) -> String
    /// A fresh incremental decoder for one generated sequence.
    func makeStreamDecoder() -> any TokenStreamDecoder
    /// The vocabulary's own string for `id` (e.g. `Ġthe`), for `/tokenize`'s `token_strs`.
    func tokenText(_ id: Int32) -> String?
}

extension EngineTokenizer {
    /// Ids of a completion prompt: the text with the tokenizer's special tokens.
    public func encodePrompt(_ text: String) -> [Int32] {
        encode(text, addSpecialTokens: true)
    }

    /// The text of generated ids, special tokens left out.
    public func decode(_ ids: [Int32]) -> String {
        decode(ids, skipSpecialTokens: true)
    }

    /// No token strings by default.
    public func tokenText(_ id: Int32) -> String? { nil }

    /// By default, `WindowedStreamDecoder` over `decode`.
    public func makeStreamDecoder() -> any TokenStreamDecoder {
        WindowedStreamDecoder(tokenizer: self)
    }
}

/// Turns generated ids into the UTF-8 bytes they add to the text, one id
/// at a time (stop strings are matched on these bytes).
public protocol TokenStreamDecoder {
    /// The bytes `id` adds after the ids appended so far (possibly none yet,
    /// when it ends in the middle of a character).
    mutating func append(_ id: Int32) -> [UInt8]
    /// The bytes still held back when the sequence ends (an incomplete
    /// character, or a run of byte tokens not yet closed).
    mutating func finish() -> [UInt8]
}

extension TokenStreamDecoder {
    /// Nothing is held back by default.
    public mutating func finish() -> [UInt8] { [] }
}

/// Incremental decoding for any tokenizer that can only decode whole id
/// lists (as vLLM and text-generation-inference do it): the text of a short
/// window of recent ids is decoded with and without the new id, and the
/// difference is emitted once it no longer ends in an incomplete character
/// (U+FFFD). Decoding a window rather than one id keeps what tokenizers do
/// at word starts (e.g. SentencePiece's leading space) right.
public struct WindowedStreamDecoder<Tokenizer: EngineTokenizer>: TokenStreamDecoder {
    let tokenizer: Tokenizer
    private var ids: [Int32] = []
    /// Start of the window decoded as context.
    private var prefixOffset = 0
    /// End of what has been emitted.
    private var readOffset = 0

    /// Decodes for `tokenizer`.
    public init(tokenizer: Tokenizer) {
        self.tokenizer = tokenizer
    }

    public mutating func append(_ id: Int32) -> [UInt8] {
        ids.append(id)
        let before = Array(tokenizer.decode(Array(ids[prefixOffset..<readOffset])).utf8)
        let after = Array(tokenizer.decode(Array(ids[prefixOffset...])).utf8)
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        guard after.count > before.count, after.starts(with: before), !after.suffix(3).elementsEqual(replacement) else {
            return []
        }
        prefixOffset = readOffset
        readOffset = ids.count
        return Array(after[before.count...])
    }

    /// What full decoding adds after the last emission (an incomplete
    /// character at the very end becomes U+FFFD, as full decoding gives it).
    public mutating func finish() -> [UInt8] {
        let before = Array(tokenizer.decode(Array(ids[prefixOffset..<readOffset])).utf8)
        let after = Array(tokenizer.decode(Array(ids[prefixOffset...])).utf8)
        guard after.count > before.count, after.starts(with: before) else { return [] }
        prefixOffset = readOffset
        readOffset = ids.count
        return Array(after[before.count...])
    }
}

extension ByteTokenizer: EngineTokenizer {
    /// The text's bytes and tags, after BOS with `addSpecialTokens`.
    public func encode(_ text: String, addSpecialTokens: Bool) -> [Int32] {
        encode(text, addBOS: addSpecialTokens)
    }

    /// The text of `ids`. The byte tokenizer's tags are the agent's own
    /// markup (`<search>`, ...), so nothing is skipped either way.
    public func decode(_ ids: [Int32], skipSpecialTokens: Bool) -> String {
        String(decoding: decodeBytes(ids), as: UTF8.self)
    }

    /// Each id's own bytes (byte tokens are independent of their neighbours).
    public func makeStreamDecoder() -> any TokenStreamDecoder {
        ByteStreamDecoder(tokenizer: self)
    }
}

/// The byte tokenizer's incremental decoder: every id maps to fixed bytes.
struct ByteStreamDecoder: TokenStreamDecoder {
    let tokenizer: ByteTokenizer

    mutating func append(_ id: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        tokenizer.appendBytes(of: id, to: &bytes)
        return bytes
    }
}
