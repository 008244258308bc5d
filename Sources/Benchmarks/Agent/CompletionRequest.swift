/// One completion-mode call: the text so far, where to stop and how to
/// sample.
public struct CompletionRequest: Sendable, Hashable {
    /// The same prompt as chat turns, for chat-only endpoints
    /// (`OpenAIChatClient`): the system prompt, the user's question and the
    /// partial assistant reply the model must continue.
    public struct Turns: Sendable, Hashable {
        /// The system prompt; empty when there is none.
        public var system: String
        /// The user turn (the question).
        public var user: String
        /// The assistant's reply so far (the trajectory); empty on the
        /// first call.
        public var assistant: String

        /// Creates the turns.
        public init(system: String, user: String, assistant: String = "") {
            self.system = system
            self.user = user
            self.assistant = assistant
        }
    }

    /// The full text the model continues: the rendered template and the
    /// trajectory so far.
    public var prompt: String
    /// Stop strings; the server ends generation when it emits one.
    public var stop: [String]
    /// The sampling parameters (`maxTokens` is the limit for this call).
    public var sampling: SamplingParameters
    /// The sampling seed, so that a redone sample is the same request.
    public var seed: UInt64
    /// The prompt split into chat turns, when the caller knows them.
    public var turns: Turns?
    /// Whether the model's tokenizer adds its special tokens (BOS) to
    /// `prompt`: false when a chat template already wrote them (sent to
    /// vLLM as `add_special_tokens`).
    public var addSpecialTokens: Bool

    /// Creates a request.
    /// - Parameters:
    ///   - prompt: the text to continue.
    ///   - stop: stop strings.
    ///   - sampling: the sampling parameters.
    ///   - seed: the sampling seed.
    ///   - turns: the same prompt as chat turns, for chat endpoints.
    ///   - addSpecialTokens: whether the tokenizer adds BOS & co. to `prompt`.
    public init(
        prompt: String, stop: [String] = [], sampling: SamplingParameters = SamplingParameters(),
        seed: UInt64, turns: Turns? = nil, addSpecialTokens: Bool = true
    ) {
        self.addSpecialTokens = addSpecialTokens
        self.prompt = prompt
        self.stop = stop
        self.sampling = sampling
        self.seed = seed
        self.turns = turns
    }
}

/// A model that continues a text: an OpenAI-compatible endpoint, the
/// built-in inference engine, or a scripted fake in tests.
public protocol CompletionModel: Sendable {
    /// Generates one continuation.
    /// - Parameter request: the prompt, stop strings, sampling and seed.
    /// - Returns: the generated text and why generation ended.
    /// - Throws: any transport or model failure; a cancelled calling task
    ///   must end the call promptly (with `CancellationError` or the
    ///   client's own cancelled error).
    func complete(_ request: CompletionRequest) async throws -> Completion
}
