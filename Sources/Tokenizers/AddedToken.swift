/// A token from `added_tokens` in `tokenizer.json`: matched in the raw (or
/// normalized) text before the model runs, and never split by it.
public struct AddedToken: Sendable, Hashable {
    /// The token id.
    public let id: Int
    /// The exact text of the token.
    public let content: String
    /// Special tokens are dropped by `decode(_:skipSpecialTokens: true)`.
    public let special: Bool
    /// Also swallow the whitespace just before the token.
    public let lstrip: Bool
    /// Also swallow the whitespace just after the token.
    public let rstrip: Bool
    /// Match only when not inside a word (no word character on either side).
    public let singleWord: Bool
    /// Match in the normalized text (true) or in the raw input (false).
    public let normalized: Bool

    /// Creates an added token with the flags `tokenizer.json` stores.
    public init(id: Int, content: String, special: Bool, lstrip: Bool = false, rstrip: Bool = false,
                singleWord: Bool = false, normalized: Bool = false) {
        self.id = id
        self.content = content
        self.special = special
        self.lstrip = lstrip
        self.rstrip = rstrip
        self.singleWord = singleWord
        self.normalized = normalized
    }

    /// Reads one `added_tokens` entry.
    static func parse(_ node: JSONNode, index: Int) throws(TokenizerLoadError) -> AddedToken {
        let path = "added_tokens[\(index)]"
        guard let id = node["id"]?.int, id >= 0 else { throw .invalidField(path: path + ".id", expected: "a token id") }
        guard let content = node["content"]?.string else { throw .invalidField(path: path + ".content", expected: "a string") }
        let special = node["special"]?.bool ?? false
        return AddedToken(
            id: id, content: content, special: special,
            lstrip: node["lstrip"]?.bool ?? false, rstrip: node["rstrip"]?.bool ?? false,
            singleWord: node["single_word"]?.bool ?? false,
            // The library's default: special tokens are matched raw, others normalized.
            normalized: node["normalized"]?.bool ?? !special)
    }
}
