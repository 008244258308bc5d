import Benchmarks

/// What one finished sample produced, scored.
struct SampleOutcome: Sendable, Equatable {
    var trajectory: String
    var prediction: String?
    var correct: Bool
    var score: Double
    var metric: String
    var finishReason: String
    var searchCalls: Int
    var pythonCalls: Int
    var modelCalls: Int
    var latencyMilliseconds: Int

    /// `correct`, `incorrect`, or `no_answer` when nothing could be extracted.
    var verdict: String {
        if correct { return "correct" }
        return prediction == nil ? "no_answer" : "incorrect"
    }
}

/// Runs and scores one sample. The seam between the job machinery and the
/// agent loop: the server uses ``AgentSampleExecutor``; tests may script it.
protocol SampleExecutor: Sendable {
    func run(spec: BenchmarkSpec, item: DatasetItem, seed: UInt64) async throws -> SampleOutcome
}
