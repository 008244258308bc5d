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
    /// One running request and the caller waiting for it.
    private struct Slot {
        let job: EngineJob
        var sequence: RunningSequence
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
        batch.reset(slot: b)
        slots[b] = Slot(
            job: job,
            sequence: RunningSequence(request: job.request, vocabularySize: model.vocabularySize, tokenizer: tokenizer))
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
        let feeds = slots.map { $0?.sequence.feed ?? [] }
        let fed = feeds.count { !$0.isEmpty }
        guard fed > 0 else { return ([], 0) }
        do throws(EngineError) {
            try batch.step(feeds)
        } catch {
            return (cancelAndFail(error), fed)
        }
        var finished: [UInt64] = []
        let sampling = slots.indices.filter { !feeds[$0].isEmpty && slots[$0] != nil }
        let tokens = slots.withUnsafeMutableBufferPointer { running in
            batch.sampleEach(sampling) { b in running[b]!.sequence.sample(batch.logits(slot: b)) }
        }
        for (b, token) in zip(sampling, tokens) {
            guard var slot = slots[b] else { continue }
            let done = slot.sequence.accept(
                token, eos: eos, cachedTokens: batch.length(slot: b), contextLength: model.contextLength)
            if done {
                slot.job.onProgress?(.finished(last: slot.sequence.unreleasedText(), output: slot.sequence.output))
                slot.job.continuation.resume(returning: .success(slot.sequence.output))
                finished.append(slot.job.id)
                slots[b] = nil
            } else {
                if let report = slot.job.onProgress {
                    let piece = slot.sequence.releasableText()
                    if !piece.isEmpty { report(.text(piece, logprobs: slot.sequence.unreportedLogprobs())) }
                }
                slots[b] = slot
            }
        }
        return (finished, fed)
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
