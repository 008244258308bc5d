import Foundation

/// A Hugging Face `tokenizer.json` tokenizer, giving the same ids as the
/// `tokenizers` library for the byte-level BPE (Qwen2/2.5/3, Llama 3) and
/// byte-fallback BPE (Llama 2, Mistral) families.
///
/// Encoding follows the library's pipeline: added tokens are cut out of
/// the raw text, the rest is normalized, added tokens marked `normalized`
/// are cut out of that, the pre-tokenizer splits it into pieces and the
/// BPE model encodes each piece; the post-processor adds special tokens.
public struct HFTokenizer: Sendable {
    let model: BPEModel
    let normalizer: Normalizer?
    let preTokenizer: PreTokenizer?
    let postProcessor: PostProcessor?
    let decoder: TokenDecoder?
    let rawMatcher: AddedTokenMatcher?
    let normalizedMatcher: AddedTokenMatcher?
    /// The text of every id (added tokens over the model's), as scalars.
    let tokenText: [[UInt32]?]
    private let addedByID: [Int: AddedToken]
    let specialContents: Set<[UInt32]>
    private let addedIDsByContent: [[UInt32]: Int]

    /// The tokens of `added_tokens`, in file order.
    public let addedTokens: [AddedToken]
    /// The beginning-of-sequence token (from `tokenizer_config.json`, else the post-processor's first special token).
    public let bosToken: String?
    /// The end-of-sequence token (from `tokenizer_config.json`).
    public let eosToken: String?
    /// `add_bos_token` / `add_eos_token` from `tokenizer_config.json`, when it says.
    public let addBOSToken: Bool?
    public let addEOSToken: Bool?

    /// Loads a tokenizer from the bytes of `tokenizer.json` and, optionally, `tokenizer_config.json`.
    /// - Throws: `TokenizerLoadError` naming the unsupported or malformed component.
    public init(tokenizerJSON: Data, tokenizerConfigJSON: Data? = nil) throws(TokenizerLoadError) {
        let root = try Self.parseJSON(tokenizerJSON)
        guard root.entries != nil else { throw .invalidField(path: "$", expected: "an object") }
        guard let modelNode = root["model"] else { throw .invalidField(path: "model", expected: "an object") }
        model = try BPEModel(modelNode)
        normalizer = try Normalizer.parse(root["normalizer"] ?? .null, path: "normalizer")
        preTokenizer = try PreTokenizer.parse(root["pre_tokenizer"] ?? .null, path: "pre_tokenizer")
        postProcessor = try PostProcessor.parse(root["post_processor"] ?? .null, path: "post_processor")
        decoder = try TokenDecoder.parse(root["decoder"] ?? .null, path: "decoder")

        var added: [AddedToken] = []
        for (index, item) in (root["added_tokens"]?.array ?? []).enumerated() {
            added.append(try AddedToken.parse(item, index: index))
        }
        addedTokens = added
        addedByID = Dictionary(added.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        specialContents = Set(added.filter(\.special).map { $0.content.unicodeScalars.map(\.value) })
        addedIDsByContent = Dictionary(added.map { ($0.content.unicodeScalars.map(\.value), $0.id) }, uniquingKeysWith: { _, last in last })
        let modelIDs = model.ids
        vocabularySize = modelIDs.count + addedIDsByContent.keys.filter { modelIDs[$0] == nil }.count
        specialTokenIDs = Set(added.filter(\.special).map(\.id))
        let normalizer = self.normalizer
        rawMatcher = AddedTokenMatcher(added.filter { !$0.normalized }.map { ($0.content.unicodeScalars.map(\.value), $0) })
        normalizedMatcher = AddedTokenMatcher(added.filter(\.normalized).map { token in
            let content = token.content.unicodeScalars.map(\.value)
            return (normalizer?.apply(content) ?? content, token)
        })
        var text = model.tokens.map { $0.map { $0.unicodeScalars.map(\.value) } }
        for token in added {
            if token.id >= text.count { text += Array(repeating: nil, count: token.id + 1 - text.count) }
            // The library decodes a `normalized` added token as its normalized form.
            let content = token.content.unicodeScalars.map(\.value)
            text[token.id] = token.normalized ? normalizer?.apply(content) ?? content : content
        }
        tokenText = text

        let config = try tokenizerConfigJSON.map { data throws(TokenizerLoadError) in try Self.parseJSON(data) }
        let inferredBOS = postProcessor?.leadingSpecialToken?.name
        bosToken = config.map { Self.tokenName($0["bos_token"]) } ?? inferredBOS
        eosToken = config.flatMap { Self.tokenName($0["eos_token"]) }
        addBOSToken = config?["add_bos_token"]?.bool
        addEOSToken = config?["add_eos_token"]?.bool
    }

    private static func parseJSON(_ data: Data) throws(TokenizerLoadError) -> JSONNode {
        do {
            return try JSONParser.parse([UInt8](data))
        } catch {
            throw .invalidJSON(offset: error.offset, reason: error.reason)
        }
    }

    /// `"<s>"` or `{"content": "<s>", ...}` (transformers' serialized AddedToken).
    private static func tokenName(_ node: JSONNode?) -> String? {
        node?.string ?? node?["content"]?.string
    }

    /// The number of distinct ids: the model's vocabulary plus added tokens it lacks
    /// (`get_vocab_size(with_added_tokens=True)`).
    public let vocabularySize: Int

    /// The id of a token's exact text (added tokens first, as the library looks them up).
    public func tokenID(_ token: String) -> Int? {
        let scalars = token.unicodeScalars.map(\.value)
        return addedIDsByContent[scalars] ?? model.ids[scalars].map(Int.init)
    }

    /// The text of a token id, if the id exists. As in the library, an added
    /// token marked `normalized` is named by its normalized form (Llama 2's
    /// `[DAY]` is `▁[DAY]`), which `tokenID(_:)` does not know: it takes the content.
    public func token(for id: Int) -> String? {
        guard id >= 0, id < tokenText.count, let text = tokenText[id] else { return nil }
        return Normalizer.string(text)
    }

    /// The id of `bosToken`, when known and in the vocabulary.
    public var bosTokenID: Int? { bosToken.flatMap(tokenID) }
    /// The id of `eosToken`, when known and in the vocabulary.
    public var eosTokenID: Int? { eosToken.flatMap(tokenID) }
    /// The ids of the special added tokens.
    public let specialTokenIDs: Set<Int>
}
