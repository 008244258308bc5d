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

    /// `correct`, `incorrect`, or `no_answer` when nothing could be extracted.
    package var verdict: String {
        if correct { return "correct" }
        return prediction == nil ? "no_answer" : "incorrect"
    }
}

/// Runs and scores one sample. The seam between the job machinery and the
/// agent loop: the server uses ``AgentSampleExecutor``; tests may script it.
package protocol SampleExecutor: Sendable {
    func run(spec: BenchmarkSpec, item: DatasetItem, seed: UInt64) async throws -> SampleOutcome
}
