/// What a model returned for one `CompletionRequest`.
public struct Completion: Sendable, Hashable {
    /// Why generation ended.
    public enum FinishReason: Sendable, Hashable, CustomStringConvertible {
        /// The model emitted a stop string or its end-of-sequence token.
        case stop
        /// The call's token limit was reached.
        case length
        /// Anything else the server reported (e.g. `"abort"`).
        case other(String)

        /// Maps an OpenAI `finish_reason` (`nil` counts as `.stop`).
        public init(openAI value: String?) {
            switch value {
            case nil, "stop", "eos_token": self = .stop
            case "length": self = .length
            case let other?: self = .other(other)
            }
        }

        public var description: String {
            switch self {
            case .stop: return "stop"
            case .length: return "length"
            case .other(let value): return value
            }
        }
    }

    /// Token counts reported by the server.
    public struct Usage: Sendable, Hashable {
        /// Tokens in the prompt, when reported.
        public var promptTokens: Int?
        /// Tokens generated, when reported.
        public var completionTokens: Int?

        /// Creates a usage record.
        public init(promptTokens: Int? = nil, completionTokens: Int? = nil) {
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
        }
    }

    /// The generated text. OpenAI-compatible servers leave a matched stop
    /// string out of it.
    public var text: String
    /// The stop string that ended generation, when the server reports it
    /// (vLLM's `stop_reason`); `nil` for end-of-sequence or when unknown.
    public var matchedStop: String?
    /// Why generation ended.
    public var finishReason: FinishReason
    /// Token counts, when reported.
    public var usage: Usage?
    /// Per-token log-probabilities and entropies, from models that report
    /// them (the built-in engine); training rollouts need them.
    public var statistics: TokenStatistics?

    /// Creates a completion.
    public init(
        text: String, matchedStop: String? = nil, finishReason: FinishReason = .stop,
        usage: Usage? = nil, statistics: TokenStatistics? = nil
    ) {
        self.text = text
        self.matchedStop = matchedStop
        self.finishReason = finishReason
        self.usage = usage
        self.statistics = statistics
    }
}
