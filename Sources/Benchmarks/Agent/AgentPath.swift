/// One agent sample in progress, as a value: what the model wrote, the tool
/// results, and the counters the limits are checked against.
///
/// `AgentLoop.run` drives one path from start to finish. Training rollouts
/// drive many paths step by step (`AgentLoop.nextCall` then
/// `AgentLoop.advance`) and branch a path by copying it: the copy shares
/// the prefix (text, token statistics, counters) and continues on its own.
public struct AgentPath: Sendable {
    /// One piece of the trajectory.
    public struct Segment: Sendable, Hashable {
        /// Who wrote it.
        public enum Source: Sendable, Hashable {
            /// The model (a completion, its closing tag restored).
            case model
            /// A tool (`\n<result>\n...\n</result>\n`).
            case tool
        }

        /// Who wrote it.
        public var source: Source
        /// The text, exactly as it appears in the trajectory.
        public var text: String
        /// The model's per-token statistics for a `.model` segment, when the model reports them.
        public var statistics: TokenStatistics?

        /// Creates a segment.
        public init(source: Source, text: String, statistics: TokenStatistics? = nil) {
            self.source = source
            self.text = text
            self.statistics = statistics
        }
    }

    var state = AgentLoopState()
    /// The trajectory as segments, in order; their texts concatenate to `trajectory`.
    public private(set) var segments: [Segment] = []
    /// Why the sample ended; nil while it goes on.
    public internal(set) var finishReason: AgentRun.FinishReason?

    /// An empty path (nothing generated yet).
    public init() {}

    /// Generated text and tool results so far (no prompt).
    public var trajectory: String { state.trajectory }
    /// Model calls started.
    public var modelCalls: Int { state.modelCalls }
    /// Search calls made.
    public var searchCalls: Int { state.searchCalls }
    /// Python calls made.
    public var pythonCalls: Int { state.pythonCalls }
    /// Whether the sample has ended.
    public var isFinished: Bool { finishReason != nil }

    mutating func append(_ text: String, source: Segment.Source, statistics: TokenStatistics? = nil) {
        state.trajectory += text
        segments.append(Segment(source: source, text: text, statistics: statistics))
    }

    /// The run record of a finished path (`latency` is the caller's measure).
    public func run(latency: Duration = .zero) -> AgentRun {
        AgentRun(
            trajectory: state.trajectory, prediction: AnswerExtraction.finalAnswer(from: state.trajectory),
            searchCalls: state.searchCalls, pythonCalls: state.pythonCalls, modelCalls: state.modelCalls,
            finishReason: finishReason ?? .noAnswer, latency: latency, toolErrors: state.toolErrors,
            completionTokens: state.completionTokens)
    }
}
