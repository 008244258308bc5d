/// Generates a list of requests in lockstep on the calling thread: one
/// forward pass prefills every prompt, then each pass feeds one token per
/// live sequence, in chunks of at most `batchSize` requests. Each request
/// samples from its own seed through the served engine's per-sequence code
/// (`RunningSequence`), so it gets what `InferenceEngine` gives it; but the
/// batches are a pure function of the request list, where the engine's
/// depend on arrival times, so the outputs are reproducible at a fixed
/// thread count. Training rollouts rely on this (`LockstepModel`).
struct LockstepDecoder {
    /// The model (one caller at a time).
    let model: any EngineModel
    /// Decodes generated ids for stop strings and texts.
    let tokenizer: any EngineTokenizer

    /// Generates every request.
    /// - Parameters:
    ///   - requests: the requests.
    ///   - batchSize: the most sequences in one forward pass.
    /// - Returns: one output per request, in order; `text` ends before the
    ///   matched stop string, as `InferenceEngine` returns it.
    /// - Throws: `EngineError` for a request the model refuses (checked
    ///   before anything runs) or a model failure.
    func generate(_ requests: [EngineRequest], batchSize: Int = 64) throws(EngineError) -> [EngineOutput] {
        for (index, request) in requests.enumerated() {
            do {
                try request.validate(contextLength: model.contextLength, vocabSize: model.vocabularySize)
            } catch .invalidRequest(let message) {
                throw .invalidRequest("request \(index): \(message)")
            }
        }
        var outputs: [EngineOutput] = []
        outputs.reserveCapacity(requests.count)
        var start = 0
        while start < requests.count {
            let chunk = Array(requests[start..<min(requests.count, start + max(1, batchSize))])
            outputs += try generateChunk(chunk)
            start += chunk.count
        }
        return outputs
    }

    /// One decode batch with a slot per request, run until every sequence ends.
    private func generateChunk(_ requests: [EngineRequest]) throws(EngineError) -> [EngineOutput] {
        let batch = try model.makeDecodeBatch(slots: requests.count)
        let eos = model.eosTokenIDs, context = model.contextLength
        var sequences = requests.map {
            RunningSequence(request: $0, vocabularySize: model.vocabularySize, tokenizer: tokenizer)
        }
        while true {
            let feeds = sequences.map(\.feed)
            guard feeds.contains(where: { !$0.isEmpty }) else { break }
            try batch.step(feeds)
            let fed = sequences.indices.filter { !feeds[$0].isEmpty }
            let tokens = sequences.withUnsafeMutableBufferPointer { running in
                batch.sampleEach(fed) { b in running[b].sample(batch.logits(slot: b)) }
            }
            for (b, token) in zip(fed, tokens) {
                _ = sequences[b].accept(token, eos: eos, cachedTokens: batch.length(slot: b), contextLength: context)
            }
        }
        return sequences.map(\.output)
    }
}
