/// A queued request and the continuation its caller waits on.
struct EngineJob: Sendable {
    let id: UInt64
    let request: EngineRequest
    let continuation: CheckedContinuation<Result<EngineOutput, EngineError>, Never>
    /// Told of the text as it is generated (a streaming caller), on the worker thread.
    let onProgress: (@Sendable (EngineProgress) -> Void)?
}

/// The part of `InferenceEngine` that owns the model: a fixed set of KV-cache
/// slots, each running one request with its own sampler, random stream,
/// incremental detokenizer and stop matcher. Used only from the engine's
/// worker thread.
final class BatchRunner {
    /// One running request.
    private struct Slot {
        let job: EngineJob
        var sampler: Sampler
        var rng: Xoshiro256
        var matcher: StopMatcher
        var detokenizer: any TokenStreamDecoder
        /// What of the text a streaming caller has been given.
        var release = TextRelease()
        /// Ids in the prompt or the output (for the repetition penalty).
        var seen: Set<Int32>
        var output: EngineOutput
        /// Tokens to feed at the next step: the prompt, then the last sampled token.
        var feed: [Int32]
    }

    private let model: any EngineModel
    private let tokenizer: any EngineTokenizer
    private let batch: any DecodeBatch
    /// Why the batch could not be made (every request then fails with it).
    private let unavailable: EngineError?
    private let eos: Set<Int32>
    private var slots: [Slot?]

    init(model: any EngineModel, tokenizer: any EngineTokenizer, slots count: Int) {
        self.model = model
        self.tokenizer = tokenizer
        do throws(EngineError) {
            batch = try model.makeDecodeBatch(slots: count)
            unavailable = nil
        } catch {
            batch = EmptyDecodeBatch()
            unavailable = error
        }
        eos = model.eosTokenIDs
        slots = [Slot?](repeating: nil, count: count)
    }

    /// Whether any request is running.
    var hasActive: Bool { slots.contains { $0 != nil } }

    /// Slots free for new requests.
    var freeSlots: Int { slots.count { $0 == nil } }

    /// Starts `job` in a free slot (the caller checks there is one).
    /// - Returns: false when the job was answered with an error instead.
    func admit(_ job: EngineJob) -> Bool {
        if let unavailable {
            job.continuation.resume(returning: .failure(unavailable))
            return false
        }
        guard let b = slots.firstIndex(where: { $0 == nil }) else {
            job.continuation.resume(returning: .failure(.model("no free slot")))
            return false
        }
        let r = job.request
        batch.reset(slot: b)
        slots[b] = Slot(
            job: job,
            sampler: Sampler(vocabSize: model.vocabularySize, temperature: r.temperature, topK: r.topK, topP: r.topP),
            rng: Xoshiro256(seed: r.seed, stream: 0),
            matcher: StopMatcher(stops: r.stop),
            detokenizer: tokenizer.makeStreamDecoder(),
            seen: r.repetitionPenalty == 1 ? [] : Set(r.prompt),
            output: EngineOutput(
                tokens: [], logProbs: [], entropies: [], text: "", finishReason: .length, matchedStop: nil,
                promptTokens: r.prompt.count),
            feed: r.prompt)
        return true
    }

    /// Drops the running requests among `ids`, answering them `.cancelled`.
    /// - Returns: the ids dropped.
    func cancel(ids: Set<UInt64>) -> [UInt64] {
        guard !ids.isEmpty else { return [] }
        var dropped: [UInt64] = []
        for b in slots.indices {
            guard let slot = slots[b], ids.contains(slot.job.id) else { continue }
            slot.job.continuation.resume(returning: .failure(.cancelled))
            dropped.append(slot.job.id)
            slots[b] = nil
        }
        return dropped
    }

    /// Fails every running request with `error`; returns their ids.
    func failAll(_ error: EngineError) -> [UInt64] {
        cancelAndFail(error)
    }

    /// Releases the model's threads (the engine is stopping).
    func shutdownModel() {
        model.shutdown()
    }

    /// One forward pass over every running sequence (prefilling new prompts),
    /// then one sampled token each; finished requests are answered.
    /// - Returns: the ids answered and the number of sequences in the pass.
    func step() -> (finished: [UInt64], batch: Int) {
        let feeds = slots.map { $0?.feed ?? [] }
        let fed = feeds.count { !$0.isEmpty }
        guard fed > 0 else { return ([], 0) }
        do throws(EngineError) {
            try batch.step(feeds)
        } catch {
            return (cancelAndFail(error), fed)
        }
        let context = model.contextLength
        var finished: [UInt64] = []
        for b in slots.indices where !feeds[b].isEmpty {
            guard var slot = slots[b] else { continue }
            let logits = batch.logits(slot: b)
            let penalty = slot.job.request.repetitionPenalty
            if penalty != 1 { Self.penalise(logits, seen: slot.seen, penalty: penalty) }
            let sampled = slot.sampler.sample(logits, rng: &slot.rng)
            if penalty != 1 { slot.seen.insert(sampled.token) }
            slot.output.tokens.append(sampled.token)
            slot.output.logProbs.append(sampled.logProb)
            slot.output.entropies.append(sampled.entropy)
            let bytes = slot.detokenizer.append(sampled.token)
            var done = true
            if let match = slot.matcher.append(bytes) {
                slot.output.finishReason = .stop
                slot.output.matchedStop = match
            } else if slot.job.request.stopAtEOS && eos.contains(sampled.token) {
                slot.output.finishReason = .eos
            } else if slot.output.tokens.count >= slot.job.request.maxTokens || batch.length(slot: b) >= context {
                slot.output.finishReason = .length
            } else {
                done = false
            }
            if done {
                // Bytes held back by the detokenizer belong to the text too (and may hold a stop string).
                if slot.output.matchedStop == nil, let match = slot.matcher.append(slot.detokenizer.finish()) {
                    slot.output.finishReason = .stop
                    slot.output.matchedStop = match
                }
                slot.output.text = slot.matcher.textBeforeStop
                slot.job.onProgress?(.finished(last: slot.release.rest(slot.matcher), output: slot.output))
                slot.job.continuation.resume(returning: .success(slot.output))
                finished.append(slot.job.id)
                slots[b] = nil
            } else {
                if let report = slot.job.onProgress {
                    let piece = slot.release.next(slot.matcher)
                    if !piece.isEmpty { report(.text(piece)) }
                }
                slot.feed = [sampled.token]
                slots[b] = slot
            }
        }
        return (finished, fed)
    }

    /// vLLM's repetition penalty, in place: the logit of each seen id is
    /// divided by `penalty` when positive, multiplied by it otherwise.
    static func penalise(_ logits: UnsafeMutablePointer<Float>, seen: Set<Int32>, penalty: Float) {
        for id in seen {
            let i = Int(id)
            logits[i] = logits[i] > 0 ? logits[i] / penalty : logits[i] * penalty
        }
    }

    private func cancelAndFail(_ error: EngineError) -> [UInt64] {
        var failed: [UInt64] = []
        for b in slots.indices {
            guard let slot = slots[b] else { continue }
            slot.job.continuation.resume(returning: .failure(error))
            failed.append(slot.job.id)
            slots[b] = nil
        }
        return failed
    }
}

/// Stands in for a batch the model could not make: no slots.
private final class EmptyDecodeBatch: DecodeBatch {
    var slotCount: Int { 0 }
    func length(slot: Int) -> Int { 0 }
    func reset(slot: Int) {}
    func step(_ feeds: [[Int32]]) throws(EngineError) { throw .model("no decode batch") }
    func logits(slot: Int) -> UnsafeMutablePointer<Float> { preconditionFailure("an empty batch has no slots") }
}
