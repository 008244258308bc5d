import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keys and values of every layer for a fixed set of slots (sequences), so
/// one more token costs one row of work. A slot holds at most `capacity`
/// tokens. The cache is reserved address space (`mmap` without a swap
/// reservation): pages are backed only as sequences grow into them, so 16
/// slots of a 32k context cost what their tokens use, and a reservation the
/// system refuses is an error, not a crash.
///
/// Layout: `keys`, `values` (slots, L, KVH, capacity, D) in f32, so one
/// (slot, layer, head)'s positions are contiguous for the attention kernel.
public final class HFKVCache {
    /// Number of slots.
    public let slotCount: Int
    /// Most tokens one slot holds.
    public let capacity: Int
    let layers: Int, kvHeads: Int, headDimension: Int
    let keys: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>
    private let byteCount: Int
    /// Tokens cached per slot.
    public internal(set) var lengths: [Int]
    /// Scratch of the forward pass, grown to the most rows seen.
    var workspace: HFWorkspace?

    /// An empty cache for `config`.
    /// - Parameters:
    ///   - config: the model's config.
    ///   - slots: number of sequences (>= 1).
    ///   - capacity: most tokens per sequence (>= 1).
    /// - Throws: `HFModelError.cacheUnavailable` when the space cannot be reserved.
    public init(config: HFModelConfig, slots: Int, capacity: Int) throws(HFModelError) {
        slotCount = max(1, slots)
        self.capacity = max(1, capacity)
        layers = config.layerCount
        kvHeads = config.keyValueHeadCount
        headDimension = config.headDimension
        let (count, overflow) = (slotCount * layers * kvHeads * headDimension).multipliedReportingOverflow(by: self.capacity * 2 * 4)
        guard !overflow, let base = mmap(nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
            base != MAP_FAILED
        else {
            throw .cacheUnavailable(slots: slotCount, tokens: self.capacity)
        }
        // positions >= lengths[slot] are never read, so nothing needs zeroing
        byteCount = count
        keys = base.bindMemory(to: Float.self, capacity: count / 4)
        values = keys + count / 8
        lengths = [Int](repeating: 0, count: slotCount)
    }

    deinit {
        munmap(keys, byteCount)
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
