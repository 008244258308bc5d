/// What an LLM judge answered.
public enum JudgeVerdict: String, Sendable, Hashable, Codable {
    case correct = "Correct"
    case incorrect = "Incorrect"
}

/// An LLM-as-judge (BENCHMARKS.md): the question, the gold answers and the
/// prediction go to a model that answers Correct or Incorrect. This is the
/// seam for the judge client, which lives elsewhere; `Scorer` only calls it.
public protocol Judge: Sendable {
    /// Asks the judge about one prediction.
    /// - Parameters:
    ///   - question: the item's question.
    ///   - golds: the gold aliases.
    ///   - prediction: the extracted answer.
    /// - Returns: the judge's verdict.
    /// - Throws: any transport or parsing failure; the scorer then lets the
    ///   rule-based check decide and reports the failure as `judgeError`.
    func judge(question: String, golds: [String], prediction: String) async throws -> JudgeVerdict
}
