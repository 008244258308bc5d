/// Keys and values of every block for B sequences, so decoding one more token
/// costs one row of work instead of re-running the whole prefix.
///
/// Layout: `keys`, `values` (L, B, NH, maxT, hs); `lengths[b]` tokens of
/// sequence b are cached (positions 0..<lengths[b]); `logits` (B, V) holds,
/// after `GPT.decode`, the next-token logits of each sequence that received
/// tokens. Sequences may have different lengths.
public final class KVCache {
    /// The model shape the cache was built for.
    public let config: GPTConfig
    /// Number of sequences.
    public let batchSize: Int
    /// (L, B, NH, maxT, hs) cached keys and values.
    let keys: FloatBuffer, values: FloatBuffer
    /// (B, V) next-token logits from the last `decode` call.
    public let logits: FloatBuffer
    /// Cached tokens per sequence.
    public internal(set) var lengths: [Int]
    /// Per-call workspace, grown to the largest number of rows seen.
    var workspace: DecodeWorkspace?

    /// Allocates an empty cache.
    /// - Parameters:
    ///   - config: the model configuration.
    ///   - batchSize: number of sequences (>= 1).
    public init(config: GPTConfig, batchSize: Int) {
        precondition(batchSize >= 1, "KVCache needs at least one sequence")
        self.config = config
        self.batchSize = batchSize
        let count = config.layerCount * batchSize * config.modelDimension * config.contextLength
        // positions >= lengths[b] are never read: no need to zero 2 L B C maxT floats
        keys = FloatBuffer(uninitializedCount: count)
        values = FloatBuffer(uninitializedCount: count)
        logits = FloatBuffer(count: batchSize * config.vocabSize)
        lengths = [Int](repeating: 0, count: batchSize)
    }

    /// Forgets every sequence (the memory is reused).
    public func reset() {
        for b in 0..<batchSize { lengths[b] = 0 }
    }

    /// Forgets sequence `b` so it can start a new prompt.
    public func reset(sequence b: Int) {
        lengths[b] = 0
    }

    /// The next-token logits of sequence `b` from the last `decode` call.
    public func logits(sequence b: Int) -> [Float] {
        logits.slice(b * config.vocabSize, config.vocabSize)
    }

    /// Offset of the (layer, sequence, head) block of `keys`/`values`.
    @inline(__always) func blockOffset(layer: Int, sequence: Int, head: Int) -> Int {
        ((layer * batchSize + sequence) * config.headCount + head) * config.contextLength * config.headDimension
    }

    /// A workspace for `rows` packed rows, reusing the previous one when large enough.
    func workspace(rows: Int) -> DecodeWorkspace {
        if let ws = workspace, ws.capacity >= rows { return ws }
        let ws = DecodeWorkspace(config: config, rows: max(rows, batchSize), sequences: batchSize)
        workspace = ws
        return ws
    }
}

/// Scratch for one `GPT.decode` call: R rows packed across sequences, stored
/// feature-major ((features, R), see `FeatureMajor`).
final class DecodeWorkspace {
    let capacity: Int
    /// (C, R) residual stream, LayerNorm output, attention output, projection.
    let x, ln, atty, proj: UnsafeMutablePointer<Float>
    /// (3C, R) fused q | k | v; (4C, R) MLP hidden before and after GELU.
    let qkv, fch, fchGelu: UnsafeMutablePointer<Float>
    /// (R) LayerNorm statistics; (maxT) attention scores of one row and head;
    /// (2 hs) one head's query and output.
    let mean, rstd, scores, head: UnsafeMutablePointer<Float>
    /// (V, B) logits of the last row of each sequence.
    let logits: UnsafeMutablePointer<Float>
    private let storage: FloatBuffer

    init(config: GPTConfig, rows: Int, sequences: Int) {
        let C = config.modelDimension
        capacity = rows
        storage = FloatBuffer(
            count: rows * C * 15 + 2 * rows + config.contextLength + 2 * config.headDimension
                + sequences * config.vocabSize)
        var carver = BufferCarver(storage)
        x = carver.take(rows * C); ln = carver.take(rows * C)
        atty = carver.take(rows * C); proj = carver.take(rows * C)
        qkv = carver.take(rows * 3 * C); fch = carver.take(rows * 4 * C); fchGelu = carver.take(rows * 4 * C)
        mean = carver.take(rows); rstd = carver.take(rows); scores = carver.take(config.contextLength)
        head = carver.take(2 * config.headDimension)
        logits = carver.take(sequences * config.vocabSize)
    }
}
