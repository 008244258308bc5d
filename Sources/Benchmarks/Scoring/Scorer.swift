/// Scores a prediction for an item of a benchmark with the benchmark's rules
/// (BENCHMARKS.md, scoring rules).
public struct Scorer: Sendable {
    /// math-equal, with or without a math-verify worker.
    public let math: MathScorer
    /// The LLM judge for the knowledge and deep-search sets; `nil` scores
    /// with the rule-based checks alone.
    public let judge: (any Judge)?
    /// Whether the judge also sees math predictions the rules call wrong
    /// (the AEPO authors' rules, ``JudgeMode/judgesMath``).
    public let judgesMath: Bool

    /// Creates a scorer.
    /// - Parameters:
    ///   - math: the math scorer (rules only by default).
    ///   - judge: an LLM judge, used for every family but math unless `judgesMath`.
    ///   - judgesMath: whether math sets are judged too.
    public init(math: MathScorer = MathScorer(), judge: (any Judge)? = nil, judgesMath: Bool = false) {
        self.math = math
        self.judge = judge
        self.judgesMath = judgesMath
    }

    /// Scores a final answer.
    /// - Parameters:
    ///   - spec: the benchmark.
    ///   - item: the item, with its gold aliases.
    ///   - prediction: the extracted answer; `nil` or blank is incorrect.
    /// - Returns: correctness, score and the rule used. With a judge, a
    ///   sample is correct when the rule-based check says so (the judge is
    ///   not asked) or the judge answers Correct, and the metric is `judge`
    ///   for every sample (a blank prediction is incorrect without a call).
    ///   When the judge fails, the rule-based check decides and the
    ///   result carries the judge's error (`judgeError`).
    /// - Throws: `ScoringError.mathVerify` when math-verify cannot run.
    public func score(
        spec: BenchmarkSpec, item: DatasetItem, prediction: String?
    ) async throws(ScoringError) -> ScoreResult {
        let answer = prediction?.trimmed ?? ""
        let golds = item.answers
        var correct: Bool
        var score: Double
        var metric: ScoringMetric
        switch spec.scoring {
        case .mathEqual:
            guard !answer.isEmpty else {
                return ScoreResult(correct: false, score: 0, metric: judge != nil && judgesMath ? .judge : .mathEqual)
            }
            do throws(MathVerifyError) {
                correct = try await math.compare(golds: golds, prediction: answer).equal
            } catch {
                throw .mathVerify(error)
            }
            guard judgesMath else { return ScoreResult(correct: correct, score: correct ? 1 : 0, metric: .mathEqual) }
            score = correct ? 1 : 0
            metric = .mathEqual
        case .qa:
            correct = QAScoring.exactMatch(prediction: answer, aliases: golds)
            score = QAScoring.f1(prediction: answer, aliases: golds)
            metric = .exactMatch
        case .exactMatch:
            correct = QAScoring.exactMatch(prediction: answer, aliases: golds)
            score = correct ? 1 : 0
            metric = .exactMatch
        case .gaia:
            correct = golds.contains { GAIAScorer.isCorrect(prediction: answer, gold: $0) }
            score = correct ? 1 : 0
            metric = .gaiaRules
        }
        guard let judge else {
            return ScoreResult(correct: correct, score: score, metric: metric)
        }
        if !correct && !answer.isEmpty {
            do {
                let verdict = try await judge.judge(question: item.question, golds: golds, prediction: answer)
                correct = verdict == .correct
            } catch {
                // The rule check stands; the failure is counted, not fatal.
                return ScoreResult(correct: correct, score: score, metric: metric, judgeError: String(describing: error))
            }
            if spec.scoring != .qa { score = correct ? 1 : 0 }
        }
        return ScoreResult(correct: correct, score: score, metric: .judge)
    }

    /// Extracts the final answer of a trajectory (`AnswerExtraction`) and
    /// scores it.
    public func score(
        spec: BenchmarkSpec, item: DatasetItem, trajectory: String
    ) async throws(ScoringError) -> ScoreResult {
        try await score(
            spec: spec, item: item, prediction: AnswerExtraction.finalAnswer(from: trajectory))
    }
}
