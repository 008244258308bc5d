/// Decodes a stream of token ids one at a time, returning only completed
/// text: never half of a UTF-8 character that byte-level or byte-fallback
/// tokens split across ids, and with the spacing full decoding would give
/// (decoders such as Metaspace and Strip treat the first token specially).
///
/// The method is the library's `DecodeStream`: decode a short window of
/// recent ids with and without the new one and return the difference, held
/// back while the window ends in U+FFFD (an incomplete character). Unlike
/// `DecodeStream`, a run of byte-fallback tokens is also held back until a
/// token of another kind closes it, because `ByteFallback` replaces the whole
/// run by U+FFFDs when any of its bytes is invalid: the concatenation of what
/// `add` and `finish` return is always exactly `decode` of all the ids.
public struct IncrementalDecoder: Sendable {
    private let tokenizer: HFTokenizer
    private let skipSpecialTokens: Bool
    private var ids: [Int] = []
    /// The decoded text of `ids[..<prefixIndex]`, already returned.
    private var prefix = ""
    private var prefixIndex = 0
    /// Everything returned so far.
    public private(set) var text = ""

    /// Starts an empty stream.
    public init(tokenizer: HFTokenizer, skipSpecialTokens: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// Adds one id; returns the text it completes (often empty).
    public mutating func add(_ id: Int) -> String {
        ids.append(id)
        if tokenizer.endsOpenByteRun(id) { return "" }
        let window = tokenizer.decode(ids, skipSpecialTokens: skipSpecialTokens)
        guard window.utf8.count > prefix.utf8.count, window.unicodeScalars.last != "\u{FFFD}",
              let added = Self.suffix(of: window, after: prefix) else {
            return ""
        }
        // Keep the ids decoded since the last emission as context for the next window.
        let newPrefixIndex = ids.count - prefixIndex
        ids.removeFirst(prefixIndex)
        prefix = tokenizer.decode(ids, skipSpecialTokens: skipSpecialTokens)
        prefixIndex = newPrefixIndex
        text += added
        return added
    }

    /// Ends the stream: returns text still held back (an incomplete character
    /// at the very end decodes to U+FFFD, as full decoding gives it).
    public mutating func finish() -> String {
        let window = tokenizer.decode(ids, skipSpecialTokens: skipSpecialTokens)
        let rest = Self.suffix(of: window, after: prefix) ?? ""
        ids.removeAll()
        prefix = ""
        prefixIndex = 0
        text += rest
        return rest
    }

    /// `text` without its leading `prefix` (compared by UTF-8 bytes), or nil when it does not start with it.
    private static func suffix(of text: String, after prefix: String) -> String? {
        let bytes = Array(text.utf8), head = Array(prefix.utf8)
        guard bytes.count >= head.count, bytes[..<head.count].elementsEqual(head) else { return nil }
        return String(decoding: bytes[head.count...], as: UTF8.self)
    }
}
