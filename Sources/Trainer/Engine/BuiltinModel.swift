import Benchmarks
import Foundation

/// A checkpoint on the built-in engine (aepo-gpt, or a Hugging Face
/// directory) served to the agent loop through the same `CompletionModel`
/// interface as remote endpoints. Concurrent `complete` calls are batched
/// by one `InferenceEngine`.
///
/// Behaves like vLLM in completion mode: the prompt is encoded with the
/// tokenizer's special tokens unless the request says it holds them,
/// the matched stop string is left out of the text and reported as
/// `matchedStop`, `max_tokens` is capped by the room left in the context,
/// `top_k` -1 means off, every call samples from its own seed.
/// `repetition_penalty` applies to Hugging Face models only: a byte-level
/// aepo-gpt model repeats bytes by nature, and penalising them breaks
/// copying numbers and names.
/// A prompt that fills the whole context gets an empty `.length` completion,
/// so the loop ends that sample instead of failing it.
public struct BuiltinModel: CompletionModel {
    /// The engine generating the tokens.
    public let engine: InferenceEngine
    /// Provenance of an aepo-gpt checkpoint (nil for a Hugging Face one).
    public let metadata: CheckpointMetadata?
    /// Whether requests' `repetition_penalty` is applied (Hugging Face models).
    public let appliesRepetitionPenalty: Bool

    /// Serves a loaded checkpoint (the engine takes ownership of its model).
    /// - Parameters:
    ///   - checkpoint: the checkpoint.
    ///   - options: batching limits.
    public init(checkpoint: LoadedCheckpoint, options: InferenceEngine.Options = InferenceEngine.Options()) {
        engine = InferenceEngine(model: checkpoint.model, tokenizer: checkpoint.tokenizer, options: options)
        metadata = checkpoint.metadata
        appliesRepetitionPenalty = false
    }

    /// Serves the model of an existing engine (shared with other users of it).
    /// - Parameters:
    ///   - engine: the engine.
    ///   - metadata: provenance reported by `metadata`, if known.
    ///   - appliesRepetitionPenalty: honour `repetition_penalty` (true for Hugging Face models).
    public init(engine: InferenceEngine, metadata: CheckpointMetadata? = nil, appliesRepetitionPenalty: Bool = false) {
        self.engine = engine
        self.metadata = metadata
        self.appliesRepetitionPenalty = appliesRepetitionPenalty
    }

    /// Loads and serves a checkpoint file.
    /// - Throws: `CheckpointError` when the file is not a valid aepo-gpt checkpoint.
    public init(contentsOf url: URL, options: InferenceEngine.Options = InferenceEngine.Options()) throws(CheckpointError) {
        self.init(checkpoint: try Checkpoint.load(from: url), options: options)
    }

    /// Generates one continuation of `request.prompt`.
    /// - Throws: `CancellationError` when the calling task is cancelled,
    ///   `EngineError` for settings the engine refuses.
    public func complete(_ request: CompletionRequest) async throws -> Completion {
        let prompt = engine.tokenizer.encode(request.prompt, addSpecialTokens: request.addSpecialTokens)
        let room = engine.contextLength - prompt.count
        guard room > 0 else {
            return Completion(
                text: "", finishReason: .length, usage: .init(promptTokens: prompt.count, completionTokens: 0))
        }
        let s = request.sampling
        let engineRequest = EngineRequest(
            prompt: prompt, maxTokens: min(s.maxTokens, room), temperature: Float(s.temperature),
            topP: Float(s.topP), topK: max(0, s.topK), stop: request.stop, seed: request.seed,
            repetitionPenalty: appliesRepetitionPenalty ? Float(s.repetitionPenalty) : 1)
        let output: EngineOutput
        do {
            output = try await engine.generate(engineRequest)
        } catch .cancelled {
            throw CancellationError()
        }
        return Completion(output)
    }
}

extension Completion {
    /// The agent-loop view of an engine output (EOS and stop strings both finish with `.stop`).
    init(_ output: EngineOutput) {
        self.init(
            text: output.text, matchedStop: output.matchedStop,
            finishReason: output.finishReason == .length ? .length : .stop,
            usage: .init(promptTokens: output.promptTokens, completionTokens: output.tokens.count),
            statistics: TokenStatistics(
                tokenIDs: output.tokens.map(Int.init), logProbs: output.logProbs.map(Double.init),
                entropies: output.entropies.map(Double.init)))
    }
}
