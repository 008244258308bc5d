/// Keys and values of every layer for a fixed set of slots (sequences), so
/// one more token costs one row of work. A slot holds at most `capacity`
/// tokens; pages of the cache are touched only as sequences grow into them.
///
/// Layout: `keys`, `values` (slots, L, KVH, capacity, D) in f32, so one
/// (slot, layer, head)'s positions are contiguous for the attention kernel.
public final class HFKVCache {
    /// Number of slots.
    public let slotCount: Int
    /// Most tokens one slot holds.
    public let capacity: Int
    let layers: Int, kvHeads: Int, headDimension: Int
    let keys: FloatBuffer, values: FloatBuffer
    /// Tokens cached per slot.
    public internal(set) var lengths: [Int]
    /// Scratch of the forward pass, grown to the most rows seen.
    var workspace: HFWorkspace?

    /// An empty cache for `config`.
    /// - Parameters:
    ///   - config: the model's config.
    ///   - slots: number of sequences (>= 1).
    ///   - capacity: most tokens per sequence (>= 1).
    public init(config: HFModelConfig, slots: Int, capacity: Int) {
        slotCount = max(1, slots)
        self.capacity = max(1, capacity)
        layers = config.layerCount
        kvHeads = config.keyValueHeadCount
        headDimension = config.headDimension
        let count = slotCount * layers * kvHeads * self.capacity * headDimension
        // positions >= lengths[slot] are never read, so nothing needs zeroing
        keys = FloatBuffer(uninitializedCount: count)
        values = FloatBuffer(uninitializedCount: count)
        lengths = [Int](repeating: 0, count: slotCount)
    }

    /// Forgets slot `slot` so it can start a new sequence.
    public func reset(slot: Int) {
        lengths[slot] = 0
    }

    /// Offset of position 0 of (slot, layer, head).
    @inline(__always) func offset(slot: Int, layer: Int, head: Int) -> Int {
        ((slot * layers + layer) * kvHeads + head) * capacity * headDimension
    }
}
