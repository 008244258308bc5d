/// The special tokens of the byte-level tokenizer, at ids 256 and up (ids
/// 0-255 are raw bytes). BOS/EOS/PAD are control tokens added by code; the
/// agent-protocol tags are also produced by `ByteTokenizer.encode` wherever
/// their text appears.
public enum SpecialToken: Int32, CaseIterable, Sendable, Codable {
    /// Beginning of sequence.
    case bos = 256
    /// End of sequence: generation stops here.
    case eos
    /// Padding (never attended to in a loss: give it weight 0).
    case pad
    case thinkOpen, thinkClose
    case searchOpen, searchClose
    case pythonOpen, pythonClose
    case resultOpen, resultClose
    case answerOpen, answerClose

    /// The token id.
    public var id: Int32 { rawValue }

    /// The text this token stands for. Control tokens have a name for
    /// display (`<|bos|>`), but encode never produces them from text and
    /// decode renders them as nothing.
    public var text: String {
        switch self {
        case .bos: "<|bos|>"
        case .eos: "<|eos|>"
        case .pad: "<|pad|>"
        case .thinkOpen: "<think>"
        case .thinkClose: "</think>"
        case .searchOpen: "<search>"
        case .searchClose: "</search>"
        case .pythonOpen: "<python>"
        case .pythonClose: "</python>"
        case .resultOpen: "<result>"
        case .resultClose: "</result>"
        case .answerOpen: "<answer>"
        case .answerClose: "</answer>"
        }
    }

    /// Whether this is a control token (BOS, EOS, PAD) rather than a protocol tag.
    public var isControl: Bool {
        self == .bos || self == .eos || self == .pad
    }

    /// The protocol tags, the tokens `encode` matches in text.
    public static let tags: [SpecialToken] = allCases.filter { !$0.isControl }
}
