import Benchmarks

/// What one finished sample produced, scored.
package struct SampleOutcome: Sendable, Equatable {
    package var trajectory: String
    package var prediction: String?
    package var correct: Bool
    package var score: Double
    package var metric: String
    package var finishReason: String
    package var searchCalls: Int
    package var pythonCalls: Int
    package var modelCalls: Int
    package var latencyMilliseconds: Int
    /// Why the sample failed for good (a model call that kept failing, a
    /// context overflow, a crash of the loop); such a sample is scored
    /// incorrect and counted in the benchmark's `errors`.
    package var error: String? = nil
    /// Why the judge gave no verdict; the rule-based check decided instead
    /// (counted in the benchmark's `judge_fallbacks`).
    package var judgeError: String? = nil
    /// Whether any model call got an answer from the server (an error
    /// status included). An evaluation whose samples never reach the model
    /// fails instead of storing every sample as an error.
    package var reachedModel = true

    /// `error` when the sample failed, `correct`, `incorrect`, or
    /// `no_answer` when nothing could be extracted.
    package var verdict: String {
        if error != nil { return "error" }
        if correct { return "correct" }
        return prediction == nil ? "no_answer" : "incorrect"
    }

    /// A sample that failed before it could be scored: incorrect, score 0.
    /// - Parameters:
    ///   - error: why it failed.
    ///   - trajectory: what the model had written before the failure.
    ///   - modelCalls: the calls made, the failed one included.
    ///   - reachedModel: whether a call got any answer from the server.
    ///   - metric: the metric the benchmark is scored with.
    package static func failed(
        _ error: String, trajectory: String = "", modelCalls: Int = 0, reachedModel: Bool, metric: String
    ) -> SampleOutcome {
        SampleOutcome(
            trajectory: trajectory, prediction: nil, correct: false, score: 0, metric: metric, finishReason: "error",
            searchCalls: 0, pythonCalls: 0, modelCalls: modelCalls, latencyMilliseconds: 0, error: error,
            reachedModel: reachedModel)
    }
}

/// Runs and scores one sample. The seam between the job machinery and the
/// agent loop: the server uses ``AgentSampleExecutor``; tests may script it.
package protocol SampleExecutor: Sendable {
    func run(spec: BenchmarkSpec, item: DatasetItem, seed: UInt64) async throws -> SampleOutcome
}
