import Benchmarks

/// How an expert solves one synthetic item: a short thought, the tool calls
/// in order, and the final answer. The tool outputs are not stored: the
/// trajectory builder runs the calls through the same tools the agent loop
/// uses (the hop corpus for search, the known printed value for python), so
/// results look exactly as they do at evaluation time.
public struct ExpertSolution: Sendable, Hashable, Codable {
    /// One tool call of the solution.
    public struct Call: Sendable, Hashable, Codable {
        /// The tool called.
        public enum Tool: String, Sendable, Hashable, Codable {
            case search, python
        }

        /// The tool called.
        public let tool: Tool
        /// The text between the tool's tags (the query or the program).
        public let input: String
        /// For python: the exact standard output the program prints.
        /// For search: the fact the results must contain.
        public let expected: String

        /// Creates a call.
        public init(tool: Tool, input: String, expected: String) {
            self.tool = tool
            self.input = input
            self.expected = expected
        }
    }

    /// The text inside `<think>...</think>`.
    public let think: String
    /// The tool calls, in order.
    public let calls: [Call]
    /// The text inside `\boxed{}`.
    public let answer: String

    /// Creates a solution.
    public init(think: String, calls: [Call], answer: String) {
        self.think = think
        self.calls = calls
        self.answer = answer
    }
}

/// One generated item of a synthetic suite with its expert solution.
public struct SynthExample: Sendable, Hashable {
    /// The item as the benchmark scorers see it (question, gold answers, metadata).
    public let item: DatasetItem
    /// How an expert solves it.
    public let solution: ExpertSolution

    /// Creates an example.
    public init(item: DatasetItem, solution: ExpertSolution) {
        self.item = item
        self.solution = solution
    }
}
