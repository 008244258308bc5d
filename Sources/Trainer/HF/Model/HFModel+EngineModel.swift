extension HFModel: EngineModel {
    /// V.
    public var vocabularySize: Int { config.vocabSize }

    /// A batch of `slots` sequences of up to `contextLength` tokens each.
    /// - Throws: `EngineError.model` when the address space for the caches cannot be reserved.
    public func makeDecodeBatch(slots: Int) throws(EngineError) -> any DecodeBatch {
        do {
            let cache = try HFKVCache(config: config, slots: slots, capacity: contextLength, precision: keyValuePrecision)
            return HFDecodeBatch(model: self, cache: cache)
        } catch {
            throw .model(error.description)
        }
    }
}

/// A Hugging Face model's decode batch: `HFModel.forward` over an `HFKVCache`.
final class HFDecodeBatch: DecodeBatch {
    let model: HFModel
    let cache: HFKVCache
    private var logits: HFModel.Logits?
    /// Row of `logits` for each slot fed in the last step.
    private var rowOfSlot: [Int: Int] = [:]

    init(model: HFModel, cache: HFKVCache) {
        self.model = model
        self.cache = cache
    }

    var slotCount: Int { cache.slotCount }

    func length(slot: Int) -> Int { cache.lengths[slot] }

    func reset(slot: Int) { cache.reset(slot: slot) }

    func step(_ feeds: [[Int32]]) throws(EngineError) {
        do {
            let result = try model.forward(feeds, cache: cache)
            logits = result
            rowOfSlot = Dictionary(result.rows.enumerated().map { ($1.slot, $0) }, uniquingKeysWith: { $1 })
        } catch {
            throw .model(error.description)
        }
    }

    /// On the model's worker threads.
    func concurrently(_ count: Int, _ body: (_ index: Int) -> Void) {
        model.executor.forEach(count) { i, _ in body(i) }
    }

    func logits(slot: Int) -> UnsafeMutablePointer<Float> {
        guard let logits, let row = rowOfSlot[slot] else {
            preconditionFailure("logits(slot:) of a slot the last step did not feed")
        }
        return logits.pointer + row * model.config.vocabSize
    }
}
