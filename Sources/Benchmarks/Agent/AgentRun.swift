/// The outcome of one agent sample.
public struct AgentRun: Sendable, Hashable {
    /// Why the loop stopped.
    public enum FinishReason: String, Sendable, Hashable, Codable, CaseIterable {
        /// The model closed an `</answer>` tag, or ended its text after an
        /// answer it did not close.
        case answered
        /// The model ended its text without an answer.
        case noAnswer = "no_answer"
        /// A call hit its token limit.
        case length
        /// The sample used up its model calls.
        case callLimit = "call_limit"
        /// The sample's wall-clock budget ran out.
        case timeout
    }

    /// Everything generated after the prompt, tool results included, with
    /// the tags restored.
    public var trajectory: String
    /// The final answer (`AnswerExtraction.finalAnswer`), if any.
    public var prediction: String?
    /// `</search>` calls the model made (repeats and calls past the limit
    /// included).
    public var searchCalls: Int
    /// `</python>` calls the model made (calls past the limit included).
    public var pythonCalls: Int
    /// Model calls made.
    public var modelCalls: Int
    /// Why the loop stopped.
    public var finishReason: FinishReason
    /// Wall-clock time of the sample.
    public var latency: Duration
    /// Tool failures, one line each (e.g. an unreachable search backend or
    /// the python sandbox being unavailable); the model saw them as results.
    public var toolErrors: [String]
    /// Generated tokens summed over the calls, when the model reported them.
    public var completionTokens: Int?

    /// Creates a run record.
    public init(
        trajectory: String, prediction: String?, searchCalls: Int, pythonCalls: Int,
        modelCalls: Int, finishReason: FinishReason, latency: Duration, toolErrors: [String] = [],
        completionTokens: Int? = nil
    ) {
        self.trajectory = trajectory
        self.prediction = prediction
        self.searchCalls = searchCalls
        self.pythonCalls = pythonCalls
        self.modelCalls = modelCalls
        self.finishReason = finishReason
        self.latency = latency
        self.toolErrors = toolErrors
        self.completionTokens = completionTokens
    }

    /// The latency in seconds.
    public var latencySeconds: Double {
        let parts = latency.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
