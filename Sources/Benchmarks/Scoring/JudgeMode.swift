/// Which rules an LLM judge follows.
public enum JudgeMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// This project's grader: a system message with strict instructions, the
    /// first `correct` / `incorrect` word of the reply decides, a reply
    /// naming neither is a judge error. Knowledge and deep-search sets only.
    case strict
    /// The AEPO authors' released rules: one user message with the
    /// question, the gold answers as a list and the prediction; the sample
    /// is correct when the rule check passes or the reply says "correct"
    /// without "incorrect", "wrong" or "not correct". Math sets are judged too.
    case authors

    /// The judge's sampling unless the request sets it: greedy, with room
    /// for a one-word verdict (strict) or a reasoning judge's thoughts (authors).
    public var defaultSampling: SamplingParameters {
        switch self {
        case .strict: .greedy(maxTokens: 64)
        case .authors: .greedy(maxTokens: 2048)
        }
    }

    /// Whether math sets go to the judge when the rules say incorrect.
    public var judgesMath: Bool { self == .authors }
}
