/// Forward activations of one transformer block, preallocated for (B, T).
public struct LayerActivations {
    /// (B, T, C) LayerNorm 1 output; (B, T) its mean and reciprocal std.
    public let ln1, ln1Mean, ln1Rstd: UnsafeMutablePointer<Float>
    /// (B, T, 3C) fused q | k | v.
    public let qkv: UnsafeMutablePointer<Float>
    /// (B, NH, T, T) post-softmax attention weights.
    public let att: UnsafeMutablePointer<Float>
    /// (B, T, C) attention output before and after the projection.
    public let atty, attproj: UnsafeMutablePointer<Float>
    /// (B, T, C) residual stream after attention.
    public let residual2: UnsafeMutablePointer<Float>
    /// (B, T, C) LayerNorm 2 output; (B, T) its statistics.
    public let ln2, ln2Mean, ln2Rstd: UnsafeMutablePointer<Float>
    /// (B, T, 4C) MLP pre-activation and GELU output.
    public let fch, fchGelu: UnsafeMutablePointer<Float>
    /// (B, T, C) MLP projection; (B, T, C) residual stream after the block.
    public let fcproj, residual3: UnsafeMutablePointer<Float>

    static func floatCount(B: Int, T: Int, C: Int, NH: Int) -> Int {
        18 * B * T * C + 4 * B * T + B * NH * T * T
    }

    init(_ carver: inout BufferCarver, B: Int, T: Int, C: Int, NH: Int) {
        let bt = B * T, btc = B * T * C
        ln1 = carver.take(btc); ln1Mean = carver.take(bt); ln1Rstd = carver.take(bt)
        qkv = carver.take(3 * btc); att = carver.take(B * NH * T * T)
        atty = carver.take(btc); attproj = carver.take(btc); residual2 = carver.take(btc)
        ln2 = carver.take(btc); ln2Mean = carver.take(bt); ln2Rstd = carver.take(bt)
        fch = carver.take(4 * btc); fchGelu = carver.take(4 * btc)
        fcproj = carver.take(btc); residual3 = carver.take(btc)
    }
}

/// All forward activations of the GPT for one (B, T), in one buffer.
public struct ActivationTensors {
    /// Batch size and sequence length these buffers were sized for.
    public let B: Int, T: Int
    /// (B, T, C) embedded input.
    public let encoded: UnsafeMutablePointer<Float>
    /// One entry per block.
    public let layers: [LayerActivations]
    /// (B, T, C) final LayerNorm output; (B, T) its statistics.
    public let lnf, lnfMean, lnfRstd: UnsafeMutablePointer<Float>
    /// (B, T, V) output logits and softmax probabilities.
    public let logits, probs: UnsafeMutablePointer<Float>
    /// (B, T) log-probability of each target and entropy of each row (nats).
    public let logprobs, entropy: UnsafeMutablePointer<Float>
    private let storage: FloatBuffer

    /// Allocates activations for `config` at batch `B` and length `T`.
    init(config: GPTConfig, B: Int, T: Int) {
        let C = config.modelDimension, NH = config.headCount, V = config.vocabSize, L = config.layerCount
        let perLayer = LayerActivations.floatCount(B: B, T: T, C: C, NH: NH)
        let total = B * T * C * 2 + 2 * B * T + 2 * B * T * V + 2 * B * T + L * perLayer
        storage = FloatBuffer(count: total)
        var carver = BufferCarver(storage)
        self.B = B
        self.T = T
        encoded = carver.take(B * T * C)
        layers = (0..<L).map { _ in LayerActivations(&carver, B: B, T: T, C: C, NH: NH) }
        lnf = carver.take(B * T * C); lnfMean = carver.take(B * T); lnfRstd = carver.take(B * T)
        logits = carver.take(B * T * V); probs = carver.take(B * T * V)
        logprobs = carver.take(B * T); entropy = carver.take(B * T)
        precondition(carver.used == total, "ActivationTensors layout out of sync")
    }
}

/// Gradient workspace for the backward pass. Block-level buffers are shared
/// by all blocks (the backward pass visits one block at a time and zeroes
/// them first); `dresidual` carries the residual-stream gradient between blocks.
struct GradientScratch {
    let dlogits, dlogprob, dlnf: UnsafeMutablePointer<Float>
    let dresidual, dresidualIn: UnsafeMutablePointer<Float>
    let dres2, dfcproj, dfchGelu, dfch, dln2, dattproj, datty, dqkv, dln1: UnsafeMutablePointer<Float>
    let dattScratch: UnsafeMutablePointer<Float>
    /// Start and length of the block-level region zeroed before each block.
    let blockRegion: UnsafeMutablePointer<Float>, blockRegionCount: Int
    private let storage: FloatBuffer

    init(config: GPTConfig, B: Int, T: Int) {
        let C = config.modelDimension, V = config.vocabSize
        let btc = B * T * C
        let block = 18 * btc  // dresidualIn ... dln1 below
        storage = FloatBuffer(count: B * T * V + B * T + 2 * btc + T * T + block)
        var carver = BufferCarver(storage)
        dlogits = carver.take(B * T * V); dlogprob = carver.take(B * T)
        dlnf = carver.take(btc); dresidual = carver.take(btc)
        dattScratch = carver.take(T * T)
        dresidualIn = carver.take(btc)
        dres2 = carver.take(btc); dfcproj = carver.take(btc)
        dfchGelu = carver.take(4 * btc); dfch = carver.take(4 * btc)
        dln2 = carver.take(btc); dattproj = carver.take(btc); datty = carver.take(btc)
        dqkv = carver.take(3 * btc); dln1 = carver.take(btc)
        blockRegion = dresidualIn
        blockRegionCount = block
        precondition(carver.used == storage.count, "GradientScratch layout out of sync")
    }
}
