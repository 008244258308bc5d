/// Why a GPT forward or backward call was refused.
public enum GPTError: Error, Equatable, CustomStringConvertible {
    /// A sequence longer than the model's context.
    case sequenceTooLong(length: Int, contextLength: Int)
    /// An input array of the wrong length.
    case countMismatch(what: String, expected: Int, got: Int)
    /// A token id outside [0, V).
    case tokenOutOfRange(what: String, index: Int, token: Int32, vocabSize: Int)
    /// An argument outside its domain.
    case invalidArgument(String)
    /// `backward` or a loss was asked for before a forward pass with targets.
    case noForwardPass

    public var description: String {
        switch self {
        case .sequenceTooLong(let length, let contextLength):
            "sequence of \(length) tokens exceeds the model context of \(contextLength)"
        case .countMismatch(let what, let expected, let got):
            "\(what) has \(got) elements, expected \(expected)"
        case .tokenOutOfRange(let what, let index, let token, let vocabSize):
            "\(what)[\(index)] = \(token) is outside the vocabulary [0, \(vocabSize))"
        case .invalidArgument(let message):
            "invalid argument: \(message)"
        case .noForwardPass:
            "no forward pass with targets has been run for this batch"
        }
    }

    /// Throws `tokenOutOfRange` for the first id outside [0, vocabSize).
    static func checkIDs(_ ids: [Int32], vocabSize: Int, what: String) throws(GPTError) {
        for (index, id) in ids.enumerated() where id < 0 || Int(id) >= vocabSize {
            throw .tokenOutOfRange(what: what, index: index, token: id, vocabSize: vocabSize)
        }
    }
}
