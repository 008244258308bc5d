import Benchmarks
import Foundation

/// A model that answers a list of requests in one call, in order: what the
/// rollout engine drives (all live paths, one batch per round).
public protocol BatchCompletionModel: CompletionModel {
    /// Answers every request, in order.
    func completeAll(_ requests: [CompletionRequest]) throws -> [Completion]
}

/// A checkpoint on the built-in engine's model code (aepo-gpt's `GPT`, or a
/// Hugging Face decoder) whose calls run synchronously on the caller's
/// thread (`LockstepDecoder`), with no engine thread and no batching across
/// calls: training rollouts batch their calls themselves (see
/// `RolloutEngine`), and this type is the `CompletionModel` their agent loop
/// holds. A lone `complete` call still works (one sequence at a time).
///
/// Requests become engine requests as `BuiltinModel` makes them: the prompt
/// encoded with the tokenizer's special tokens unless the request says the
/// framing wrote them, `max_tokens` capped by the room left in the context,
/// `top_k` -1 as off, the request's stop strings and seed, and
/// `repetition_penalty` for Hugging Face models only. A prompt that leaves
/// no room gets an empty `.length` completion, so the loop ends that path
/// instead of failing the batch. Completions carry each generated token's
/// log-probability and normalised entropy (`Completion.statistics`).
public struct LockstepModel: BatchCompletionModel, @unchecked Sendable {
    // @unchecked: the model is a reference type that computes on one caller
    // at a time; `lock` serialises calls. The RL trainer owns a `GPT` and
    // never generates and trains at the same time.
    /// The model.
    public let model: any EngineModel
    /// Encodes prompts and decodes generated ids.
    public let tokenizer: any EngineTokenizer
    /// Whether requests' `repetition_penalty` is applied (Hugging Face models;
    /// see `BuiltinModel` for why aepo-gpt leaves it out).
    public let appliesRepetitionPenalty: Bool
    /// The most sequences in one forward pass.
    public let batchSize: Int
    private let lock = NSLock()

    /// Wraps an aepo-gpt model and its byte tokenizer (no repetition penalty).
    public init(model: GPT, tokenizer: ByteTokenizer, batchSize: Int = 64) {
        self.init(engineModel: model, tokenizer: tokenizer, appliesRepetitionPenalty: false, batchSize: batchSize)
    }

    /// Wraps a loaded Hugging Face checkpoint's model and tokenizer (with
    /// the repetition penalty, as its evaluations apply it). Its chat
    /// template and sampling defaults belong to the agent loop's framing and
    /// sampling (see `ChatTemplateFraming`, `SamplingParameters.filled(from:)`).
    public init(checkpoint: HFServedCheckpoint, batchSize: Int = 64) {
        self.init(
            engineModel: checkpoint.model, tokenizer: checkpoint.tokenizer, appliesRepetitionPenalty: true,
            batchSize: batchSize)
    }

    /// Wraps any engine model.
    /// - Parameters:
    ///   - engineModel: the model (used only through this value afterwards).
    ///   - tokenizer: its tokenizer.
    ///   - appliesRepetitionPenalty: honour requests' `repetition_penalty`.
    ///   - batchSize: the most sequences in one forward pass.
    public init(
        engineModel: any EngineModel, tokenizer: any EngineTokenizer, appliesRepetitionPenalty: Bool, batchSize: Int = 64
    ) {
        model = engineModel
        self.tokenizer = tokenizer
        self.appliesRepetitionPenalty = appliesRepetitionPenalty
        self.batchSize = max(1, batchSize)
    }

    /// Most tokens a sequence may hold, prompt included.
    public var contextLength: Int { model.contextLength }

    /// The engine request for a completion request; nil when the prompt
    /// leaves no room in the context.
    func engineRequest(_ request: CompletionRequest) -> EngineRequest? {
        let prompt = tokenizer.encode(request.prompt, addSpecialTokens: request.addSpecialTokens)
        let room = model.contextLength - prompt.count
        guard room > 0, !prompt.isEmpty else { return nil }
        let s = request.sampling
        return EngineRequest(
            prompt: prompt, maxTokens: min(s.maxTokens, room), temperature: Float(s.temperature),
            topP: Float(s.topP), topK: max(0, s.topK), stop: request.stop, seed: request.seed,
            repetitionPenalty: appliesRepetitionPenalty ? Float(s.repetitionPenalty) : 1)
    }

    /// Answers many requests in lockstep batches, in order.
    /// - Throws: `EngineError` when the model refuses a request.
    public func completeAll(_ requests: [CompletionRequest]) throws(EngineError) -> [Completion] {
        let engineRequests = requests.map(engineRequest)
        lock.lock()
        defer { lock.unlock() }
        let outputs = try LockstepDecoder(model: model, tokenizer: tokenizer).generate(
            engineRequests.compactMap { $0 }, batchSize: batchSize)
        var next = outputs.makeIterator()
        return engineRequests.map { request in
            guard request != nil, let output = next.next() else {
                return Completion(
                    text: "", finishReason: .length,
                    usage: .init(promptTokens: model.contextLength, completionTokens: 0))
            }
            return Completion(output)
        }
    }

    public func complete(_ request: CompletionRequest) async throws -> Completion {
        try completeAll([request])[0]
    }

    /// Releases the threads the model computes on (a Hugging Face model's
    /// worker pool); later calls still run, on the calling thread alone.
    public func shutdown() {
        lock.lock()
        defer { lock.unlock() }
        model.shutdown()
    }
}
