extension Generator {
    /// Generates every request in lockstep on the calling thread: one
    /// prefill of all prompts, then one token per live sequence per step,
    /// in batches of at most `batchSize` requests.
    ///
    /// Each request samples from `Xoshiro256(seed: request.seed, stream: 0)`
    /// with its own settings and stop strings, exactly as `InferenceEngine`
    /// does, but the batches are a pure function of the request list, so the
    /// results are reproducible at a fixed thread count (training rollouts
    /// rely on this; the engine's batches depend on arrival times).
    /// - Parameters:
    ///   - requests: the requests (validated against the model).
    ///   - batchSize: the most sequences in one forward pass.
    /// - Returns: one output per request, in order; `text` ends before the
    ///   matched stop string, as `InferenceEngine` returns it.
    /// - Throws: `GenerationError.model` for a request the model refuses.
    public func generate(requests: [EngineRequest], batchSize: Int = 64) throws(GenerationError) -> [EngineOutput] {
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

    private func generateChunk(_ requests: [EngineRequest]) throws(GenerationError) -> [EngineOutput] {
        let V = model.config.vocabSize, context = model.config.contextLength
        for (index, request) in requests.enumerated() {
            do {
                try request.validate(contextLength: context, vocabSize: V)
            } catch {
                throw .model(.invalidArgument("request \(index): \(error)"))
            }
        }
        let B = requests.count
        let cache = KVCache(config: model.config, batchSize: B)
        var samplers = requests.map { Sampler(vocabSize: V, temperature: $0.temperature, topK: $0.topK, topP: $0.topP) }
        var rngs = requests.map { Xoshiro256(seed: $0.seed, stream: 0) }
        var matchers = requests.map { StopMatcher(stops: $0.stop) }
        var outputs = requests.map {
            EngineOutput(
                tokens: [], logProbs: [], entropies: [], text: "", finishReason: .length, matchedStop: nil,
                promptTokens: $0.prompt.count)
        }
        var feeds = requests.map(\.prompt)
        while feeds.contains(where: { !$0.isEmpty }) {
            do { try model.decode(feeds, cache: cache) } catch { throw .model(error) }
            for b in 0..<B where !feeds[b].isEmpty {
                let sampled = samplers[b].sample(cache.logits.pointer + b * V, rng: &rngs[b])
                outputs[b].tokens.append(sampled.token)
                outputs[b].logProbs.append(sampled.logProb)
                outputs[b].entropies.append(sampled.entropy)
                var bytes: [UInt8] = []
                tokenizer.appendBytes(of: sampled.token, to: &bytes)
                var done = true
                if let match = matchers[b].append(bytes) {
                    outputs[b].finishReason = .stop
                    outputs[b].matchedStop = match
                } else if requests[b].stopAtEOS && sampled.token == SpecialToken.eos.id {
                    outputs[b].finishReason = .eos
                } else if outputs[b].tokens.count >= requests[b].maxTokens || cache.lengths[b] >= context {
                    outputs[b].finishReason = .length
                } else {
                    done = false
                }
                if done {
                    outputs[b].text = matchers[b].textBeforeStop
                    feeds[b] = []
                } else {
                    feeds[b] = [sampled.token]
                }
            }
        }
        return outputs
    }
}
