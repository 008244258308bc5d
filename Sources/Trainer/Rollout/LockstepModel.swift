import Benchmarks

/// A model that answers a list of requests in one call, in order: what the
/// rollout engine drives (all live paths, one batch per round).
public protocol BatchCompletionModel: CompletionModel {
    /// Answers every request, in order.
    func completeAll(_ requests: [CompletionRequest]) throws -> [Completion]
}

/// A model whose calls run synchronously through `Generator.generate(requests:)`
/// on the caller's thread, with no engine thread and no batching across
/// calls: training rollouts batch their calls themselves (see
/// `RolloutEngine`), and this type is the `CompletionModel` their agent loop
/// holds. A lone `complete` call still works (one sequence at a time).
public struct LockstepModel: BatchCompletionModel, @unchecked Sendable {
    // @unchecked: `GPT` is a reference type; the RL trainer owns it and never
    // generates and trains at the same time.
    /// The generator.
    public let generator: Generator

    /// Wraps a model and its tokenizer.
    public init(model: GPT, tokenizer: ByteTokenizer) {
        generator = Generator(model: model, tokenizer: tokenizer)
    }

    /// The engine request for a completion request, as `BuiltinModel` builds
    /// it: BOS + encoded prompt, `max_tokens` capped by the room in the
    /// context; nil when the prompt leaves no room.
    func engineRequest(_ request: CompletionRequest) -> EngineRequest? {
        let prompt = generator.tokenizer.encode(request.prompt, addBOS: true)
        let room = generator.model.config.contextLength - prompt.count
        guard room > 0 else { return nil }
        let s = request.sampling
        return EngineRequest(
            prompt: prompt, maxTokens: min(s.maxTokens, room), temperature: Float(s.temperature),
            topP: Float(s.topP), topK: max(0, s.topK), stop: request.stop, seed: request.seed)
    }

    /// Answers many requests in one lockstep batch, in order.
    /// - Throws: `GenerationError` when the model refuses a request.
    public func completeAll(_ requests: [CompletionRequest]) throws(GenerationError) -> [Completion] {
        let engineRequests = requests.map(engineRequest)
        let outputs = try generator.generate(requests: engineRequests.compactMap { $0 })
        var next = outputs.makeIterator()
        return engineRequests.enumerated().map { index, request in
            guard request != nil, let output = next.next() else {
                return Completion(
                    text: "", finishReason: .length,
                    usage: .init(promptTokens: generator.model.config.contextLength, completionTokens: 0))
            }
            return Completion(output)
        }
    }

    public func complete(_ request: CompletionRequest) async throws -> Completion {
        try completeAll([request])[0]
    }
}
