import CKernels
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
/// Layout: `keys`, `values` (slots, L, KVH, capacity, D) in `precision`
/// (f32, or bf16 beside bf16 products, as PyTorch keeps a bf16 model's
/// cache), so one (slot, layer, head)'s positions are contiguous for the
/// attention kernel.
public final class HFKVCache {
    /// Number of slots.
    public let slotCount: Int
    /// Most tokens one slot holds.
    public let capacity: Int
    let layers: Int, kvHeads: Int, headDimension: Int
    /// How keys and values are stored: `.f32`, or `.bf16` (rounded to
    /// nearest even; half the memory and the attention's traffic).
    let precision: ActivationPrecision
    let keys: UnsafeMutableRawPointer, values: UnsafeMutableRawPointer
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
    ///   - precision: how keys and values are stored.
    /// - Throws: `HFModelError.cacheUnavailable` when the space cannot be reserved.
    public init(config: HFModelConfig, slots: Int, capacity: Int, precision: ActivationPrecision = .f32) throws(HFModelError) {
        slotCount = max(1, slots)
        self.capacity = max(1, capacity)
        layers = config.layerCount
        kvHeads = config.keyValueHeadCount
        headDimension = config.headDimension
        self.precision = precision
        let elementBytes = precision == .bf16 ? 2 : 4
        let (count, overflow) = (slotCount * layers * kvHeads * headDimension).multipliedReportingOverflow(
            by: self.capacity * 2 * elementBytes)
        guard !overflow, let base = mmap(nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
            base != MAP_FAILED
        else {
            throw .cacheUnavailable(slots: slotCount, tokens: self.capacity)
        }
        // positions >= lengths[slot] are never read, so nothing needs zeroing
        byteCount = count
        keys = base
        values = base + count / 2
        lengths = [Int](repeating: 0, count: slotCount)
    }

    deinit {
        munmap(keys, byteCount)
    }

    /// Forgets slot `slot` so it can start a new sequence.
    public func reset(slot: Int) {
        lengths[slot] = 0
    }

    /// Stores `count` floats from `source` at element `element` of `base`
    /// (`keys` or `values`) in the cache's precision.
    @inline(__always) func store(_ source: UnsafePointer<Float>, count: Int, into base: UnsafeMutableRawPointer, at element: Int) {
        switch precision {
        case .f32: (base.assumingMemoryBound(to: Float.self) + element).update(from: source, count: count)
        case .bf16: aepo_round_to_bf16(base.assumingMemoryBound(to: UInt16.self) + element, source, count)
        }
    }

    /// Offset of position 0 of (slot, layer, head).
    @inline(__always) func offset(slot: Int, layer: Int, head: Int) -> Int {
        ((slot * layers + layer) * kvHeads + head) * capacity * headDimension
    }
}
