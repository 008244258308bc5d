extension GPT: EngineModel {
    /// The model's vocabulary.
    public var vocabularySize: Int { config.vocabSize }
    /// The model's context.
    public var contextLength: Int { config.contextLength }
    /// The byte tokenizer's EOS.
    public var eosTokenIDs: Set<Int32> { [SpecialToken.eos.id] }

    /// A `KVCache` of `slots` sequences.
    public func makeDecodeBatch(slots: Int) throws(EngineError) -> any DecodeBatch {
        GPTDecodeBatch(model: self, cache: KVCache(config: config, batchSize: max(1, slots)))
    }
}

/// aepo-gpt's decode batch: `GPT.decode` over a `KVCache`.
final class GPTDecodeBatch: DecodeBatch {
    let model: GPT
    let cache: KVCache

    init(model: GPT, cache: KVCache) {
        self.model = model
        self.cache = cache
    }

    var slotCount: Int { cache.batchSize }

    func length(slot: Int) -> Int { cache.lengths[slot] }

    func reset(slot: Int) { cache.reset(sequence: slot) }

    func step(_ feeds: [[Int32]]) throws(EngineError) {
        do { try model.decode(feeds, cache: cache) } catch { throw .model(error.description) }
    }

    func logits(slot: Int) -> UnsafeMutablePointer<Float> {
        cache.logits.pointer + slot * model.config.vocabSize
    }
}
