/// A causal language model the `InferenceEngine` can serve: aepo-gpt
/// (`GPT`) or a Hugging Face decoder (`HFModel`). The engine only needs a
/// batch of KV-cache slots it can feed tokens into and read logits from.
///
/// Used from the engine's worker thread only, so it need not be `Sendable`.
public protocol EngineModel: AnyObject {
    /// Logits per position (the vocabulary size).
    var vocabularySize: Int { get }
    /// Most tokens a sequence may hold, prompt included.
    var contextLength: Int { get }
    /// Ids that end a sequence (requests with `stopAtEOS`).
    var eosTokenIDs: Set<Int32> { get }
    /// A batch of `slots` empty sequences with their KV caches.
    /// - Throws: `EngineError.model` when the caches cannot be reserved.
    func makeDecodeBatch(slots: Int) throws(EngineError) -> any DecodeBatch
    /// Releases the threads the model computes on, if it has any; called by
    /// the engine's worker thread as it stops. Later steps may run slower
    /// (on the calling thread) but still run.
    func shutdown()
}

extension EngineModel {
    /// Nothing to release.
    public func shutdown() {}
}

/// Sequences decoded together: each slot holds one sequence and its cache.
public protocol DecodeBatch: AnyObject {
    /// Number of slots.
    var slotCount: Int { get }
    /// Tokens cached in `slot`.
    func length(slot: Int) -> Int
    /// Empties `slot` for a new sequence.
    func reset(slot: Int)
    /// One forward pass: appends `feeds[s]` (possibly empty) to every slot s
    /// and computes the next-token logits of each slot that got tokens.
    /// New prompts (prefill) and single tokens (decoding) share the pass.
    func step(_ feeds: [[Int32]]) throws(EngineError)
    /// The next-token logits of `slot` after the last `step` that fed it
    /// (`vocabularySize` floats; the caller may modify them, e.g. penalties).
    func logits(slot: Int) -> UnsafeMutablePointer<Float>
    /// Runs `body(i)` for every i < count, on the model's threads where it
    /// has them, and returns when all are done; the calls must touch
    /// disjoint state. (Sampling: a few passes over V logits per sequence.)
    func concurrently(_ count: Int, _ body: (_ index: Int) -> Void)
}

extension DecodeBatch {
    /// One call after another, on the caller.
    public func concurrently(_ count: Int, _ body: (_ index: Int) -> Void) {
        for i in 0..<count { body(i) }
    }

    /// The next token of each slot in `fed`, in order: `sample(slot)` for
    /// each, concurrently (`concurrently`); each call must touch only its
    /// own slot's state.
    func sampleEach(_ fed: [Int], _ sample: (_ slot: Int) -> SampledToken) -> [SampledToken] {
        var tokens = [SampledToken](repeating: SampledToken(token: 0, logProb: 0, entropy: 0), count: fed.count)
        tokens.withUnsafeMutableBufferPointer { out in
            concurrently(fed.count) { i in out[i] = sample(fed[i]) }
        }
        return tokens
    }
}
