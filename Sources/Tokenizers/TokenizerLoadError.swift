/// Why a `tokenizer.json` (or its directory) could not be loaded.
///
/// Every case names the component and the value at fault, so a user who
/// uploads an unsupported checkpoint learns what to change.
public enum TokenizerLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is not valid JSON (byte offset and reason).
    case invalidJSON(offset: Int, reason: String)
    /// A file could not be read.
    case unreadable(path: String, reason: String)
    /// `model.type` is not one this library implements (only `BPE`).
    case unsupportedModel(String)
    /// A normalizer type (inside a `Sequence` too) this library does not implement.
    case unsupportedNormalizer(String)
    /// A pre-tokenizer type this library does not implement.
    case unsupportedPreTokenizer(String)
    /// A decoder type this library does not implement.
    case unsupportedDecoder(String)
    /// A post-processor type this library does not implement.
    case unsupportedPostProcessor(String)
    /// A `Split` / `Replace` regex that neither the built-in matchers nor Swift `Regex` accept.
    case unsupportedPattern(String)
    /// A required field is missing or has the wrong type (JSON path and expectation).
    case invalidField(path: String, expected: String)
    /// A merge names a token the vocabulary does not have (merge rank and token).
    case mergeOutOfVocabulary(rank: Int, token: String)

    public var description: String {
        switch self {
        case .invalidJSON(let offset, let reason): "tokenizer.json is not valid JSON at byte \(offset): \(reason)"
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .unsupportedModel(let type): "unsupported tokenizer model type \"\(type)\" (supported: BPE)"
        case .unsupportedNormalizer(let type):
            "unsupported normalizer \"\(type)\" (supported: NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip, Sequence)"
        case .unsupportedPreTokenizer(let type):
            "unsupported pre-tokenizer \"\(type)\" (supported: ByteLevel, Split, Metaspace, Sequence)"
        case .unsupportedDecoder(let type):
            "unsupported decoder \"\(type)\" (supported: ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, Sequence)"
        case .unsupportedPostProcessor(let type):
            "unsupported post-processor \"\(type)\" (supported: TemplateProcessing, ByteLevel, Sequence)"
        case .unsupportedPattern(let pattern): "unsupported regular expression \(pattern)"
        case .invalidField(let path, let expected): "tokenizer.json field \(path): expected \(expected)"
        case .mergeOutOfVocabulary(let rank, let token): "merge #\(rank) uses \"\(token)\", which is not in the vocabulary"
        }
    }
}
