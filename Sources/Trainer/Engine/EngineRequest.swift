/// One generation request to the `InferenceEngine`: a prompt and its own
/// sampling settings. Requests with different settings share batches.
public struct EngineRequest: Sendable, Equatable {
    /// Prompt token ids (non-empty; start with BOS for text prompts).
    public var prompt: [Int32]
    /// Most new tokens (the context may end the sequence sooner).
    public var maxTokens: Int
    /// Softmax temperature; 0 is greedy.
    public var temperature: Float
    /// Nucleus mass kept, in (0, 1].
    public var topP: Float
    /// Most likely tokens kept (0 = all).
    public var topK: Int
    /// Stop strings, matched on the generated text.
    public var stop: [String]
    /// Seed of this sequence's own random stream: the same request gives
    /// the same tokens whatever else is in its batch.
    public var seed: UInt64
    /// Stop at EOS.
    public var stopAtEOS: Bool
    /// vLLM's repetition penalty: before sampling, the logit of every token
    /// already in the prompt or the output is divided by it when positive,
    /// multiplied by it when negative. 1 = off.
    public var repetitionPenalty: Float
    /// Log-probabilities reported per generated token (`TokenLogprobs`):
    /// nil, none; n, the token's and the n most likely tokens' (0 ...
    /// `EngineRequest.mostLogprobs`).
    public var logprobs: Int?
    /// Added to the logits of these ids before the penalty and sampling
    /// (OpenAI's `logit_bias`, each in -100...100).
    public var logitBias: [Int32: Float] = [:]

    /// The most alternatives a request may ask `logprobs` for (vLLM's default
    /// `max_logprobs`).
    public static let mostLogprobs = 20

    /// Creates a request.
    public init(
        prompt: [Int32], maxTokens: Int = 128, temperature: Float = 1, topP: Float = 1, topK: Int = 0,
        stop: [String] = [], seed: UInt64 = 0, stopAtEOS: Bool = true, repetitionPenalty: Float = 1,
        logprobs: Int? = nil
    ) {
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.stop = stop
        self.seed = seed
        self.stopAtEOS = stopAtEOS
        self.repetitionPenalty = repetitionPenalty
        self.logprobs = logprobs
    }

    /// Checks the settings against a model of context `contextLength`.
    func validate(contextLength: Int, vocabSize: Int) throws(EngineError) {
        guard !prompt.isEmpty else { throw .invalidRequest("the prompt is empty") }
        guard prompt.count < contextLength else {
            throw .promptTooLong(tokens: prompt.count, contextLength: contextLength)
        }
        if let bad = prompt.first(where: { $0 < 0 || Int($0) >= vocabSize }) {
            throw .invalidRequest("token id \(bad) is outside the vocabulary of \(vocabSize)")
        }
        guard maxTokens >= 1 else { throw .invalidRequest("max_tokens must be >= 1") }
        guard temperature >= 0, temperature.isFinite else { throw .invalidRequest("temperature must be finite and >= 0") }
        guard topP > 0, topP <= 1 else { throw .invalidRequest("top_p must be in (0, 1]") }
        guard topK >= 0 else { throw .invalidRequest("top_k must be >= 0") }
        guard !stop.contains("") else { throw .invalidRequest("stop strings must not be empty") }
        guard repetitionPenalty > 0, repetitionPenalty.isFinite else {
            throw .invalidRequest("repetition_penalty must be finite and > 0")
        }
        if let bad = logitBias.first(where: { $0.key < 0 || Int($0.key) >= vocabSize }) {
            throw .invalidRequest("logit_bias: token id \(bad.key) is outside the vocabulary of \(vocabSize)")
        }
        if let bad = logitBias.first(where: { !(-100...100).contains($0.value) }) {
            throw .invalidRequest("logit_bias: \(bad.value) for token \(bad.key) is outside -100...100")
        }
        if let logprobs, !(0...Self.mostLogprobs).contains(logprobs) {
            throw .invalidRequest("logprobs must be between 0 and \(Self.mostLogprobs), not \(logprobs)")
        }
    }
}

/// What the engine produced for one request.
public struct EngineOutput: Sendable, Equatable {
    /// Generated ids (EOS or the token completing a stop string included).
    public var tokens: [Int32]
    /// Per token: log-probability under the full softmax at the temperature.
    public var logProbs: [Float]
    /// Per token: entropy of that softmax divided by log V.
    public var entropies: [Float]
    /// Per token, when the request asked for `logprobs`: its log-probability
    /// at temperature 1 and the most likely alternatives; else empty.
    public var tokenLogprobs: [TokenLogprobs]
    /// Decoded text, ending before the matched stop string (as vLLM returns it).
    public var text: String
    /// Why generation ended.
    public var finishReason: FinishReason
    /// The stop string that ended generation, if any.
    public var matchedStop: String?
    /// Number of prompt tokens.
    public var promptTokens: Int
}

/// Why the engine refused or abandoned a request.
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Bad settings or prompt.
    case invalidRequest(String)
    /// The prompt leaves no room to generate in the model's context.
    case promptTooLong(tokens: Int, contextLength: Int)
    /// The caller's task was cancelled.
    case cancelled
    /// The engine was shut down.
    case shutDown
    /// The model failed (not expected after validation).
    case model(String)

    public var description: String {
        switch self {
        case .invalidRequest(let message): "invalid request: \(message)"
        case .promptTooLong(let tokens, let context):
            "the prompt has \(tokens) tokens; the model's context is \(context) (at least one must be left to generate)"
        case .cancelled: "the request was cancelled"
        case .shutDown: "the inference engine is shut down"
        case .model(let message): "model error: \(message)"
        }
    }
}
