/// The correctness rule that produced a score.
public enum ScoringMetric: String, Sendable, Hashable, Codable {
    /// Math answer equivalence (Swift rules, then math-verify).
    case mathEqual = "math-equal"
    /// SQuAD exact match over the aliases.
    case exactMatch = "em"
    /// The rule-based GAIA scorer.
    case gaiaRules = "gaia-rules"
    /// An LLM judge, or the rule-based check when it already said correct.
    case judge
}

/// One scored sample.
public struct ScoreResult: Sendable, Hashable, Codable {
    /// Whether the sample counts as correct for Pass@k.
    public let correct: Bool
    /// The token F1 (best alias) for the QA family; 1 or 0 otherwise.
    public let score: Double
    /// The correctness rule used.
    public let metric: ScoringMetric
    /// Why the judge gave no verdict, when the rule-based check decided in
    /// its place (`metric` is then the rule's).
    public let judgeError: String?

    /// Creates a result.
    public init(correct: Bool, score: Double, metric: ScoringMetric, judgeError: String? = nil) {
        self.correct = correct
        self.score = score
        self.metric = metric
        self.judgeError = judgeError
    }
}
