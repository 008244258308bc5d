/// One named parameter tensor inside the single contiguous parameter buffer.
public struct ParameterSpec: Sendable, Equatable {
    /// Checkpoint name, e.g. `h.0.attn.qkv.weight`.
    public let name: String
    /// Row-major shape, e.g. `[3 * C, C]`.
    public let shape: [Int]
    /// First element in the parameter buffer.
    public let offset: Int
    /// Number of elements (product of `shape`).
    public let count: Int
    /// Whether AdamW applies weight decay (matrices and embeddings yes;
    /// LayerNorm gains and biases no).
    public let decay: Bool
}

/// The order, names and shapes of all GPT parameters in one buffer
/// (layer-major: `wte`, `wpe`, then each block's tensors, then `lnf`). The
/// gradient buffer and the AdamW moments use the same layout.
public struct ParameterLayout: Sendable, Equatable {
    /// Every tensor, in buffer order.
    public let specs: [ParameterSpec]
    /// Total number of floats.
    public let count: Int
    private let index: [String: Int]

    /// Builds the layout of a model with `config`.
    /// - Parameter config: the model hyper-parameters (assumed valid).
    public init(config: GPTConfig) {
        let C = config.modelDimension, V = config.vocabSize, maxT = config.contextLength
        var list: [(String, [Int], Bool)] = [("wte", [V, C], true), ("wpe", [maxT, C], true)]
        for l in 0..<config.layerCount {
            let p = "h.\(l)."
            list += [
                (p + "ln1.weight", [C], false), (p + "ln1.bias", [C], false),
                (p + "attn.qkv.weight", [3 * C, C], true), (p + "attn.qkv.bias", [3 * C], false),
                (p + "attn.proj.weight", [C, C], true), (p + "attn.proj.bias", [C], false),
                (p + "ln2.weight", [C], false), (p + "ln2.bias", [C], false),
                (p + "mlp.fc.weight", [4 * C, C], true), (p + "mlp.fc.bias", [4 * C], false),
                (p + "mlp.proj.weight", [C, 4 * C], true), (p + "mlp.proj.bias", [C], false),
            ]
        }
        list += [("lnf.weight", [C], false), ("lnf.bias", [C], false)]
        var specs: [ParameterSpec] = []
        var offset = 0
        for (name, shape, decay) in list {
            let count = shape.reduce(1, *)
            specs.append(ParameterSpec(name: name, shape: shape, offset: offset, count: count, decay: decay))
            offset += count
        }
        self.specs = specs
        self.count = offset
        self.index = Dictionary(uniqueKeysWithValues: specs.enumerated().map { ($1.name, $0) })
    }

    /// The tensor called `name`, or nil.
    public func spec(named name: String) -> ParameterSpec? {
        index[name].map { specs[$0] }
    }
}

/// Named pointers into one parameter-sized buffer (the parameters or their
/// gradients). Valid while the owning `FloatBuffer` is alive.
public struct ParameterTensors {
    /// (V, C) token embedding, also the tied output projection.
    public let wte: UnsafeMutablePointer<Float>
    /// (maxT, C) learned position embedding.
    public let wpe: UnsafeMutablePointer<Float>
    /// One entry per transformer block.
    public let layers: [LayerParameters]
    /// (C) final LayerNorm gain.
    public let lnfWeight: UnsafeMutablePointer<Float>
    /// (C) final LayerNorm bias.
    public let lnfBias: UnsafeMutablePointer<Float>

    /// Points every view at its region of `buffer`.
    /// - Parameters:
    ///   - buffer: a buffer of `layout.count` floats.
    ///   - layout: the parameter layout.
    public init(_ buffer: FloatBuffer, layout: ParameterLayout) {
        precondition(buffer.count == layout.count, "ParameterTensors: buffer does not match the layout")
        func at(_ name: String) -> UnsafeMutablePointer<Float> {
            guard let spec = layout.spec(named: name) else { preconditionFailure("no parameter \(name)") }
            return buffer.pointer + spec.offset
        }
        wte = at("wte")
        wpe = at("wpe")
        lnfWeight = at("lnf.weight")
        lnfBias = at("lnf.bias")
        let layerCount = layout.specs.filter { $0.name.hasSuffix(".ln1.weight") }.count
        layers = (0..<layerCount).map { l in
            let p = "h.\(l)."
            return LayerParameters(
                ln1Weight: at(p + "ln1.weight"), ln1Bias: at(p + "ln1.bias"),
                qkvWeight: at(p + "attn.qkv.weight"), qkvBias: at(p + "attn.qkv.bias"),
                attnProjWeight: at(p + "attn.proj.weight"), attnProjBias: at(p + "attn.proj.bias"),
                ln2Weight: at(p + "ln2.weight"), ln2Bias: at(p + "ln2.bias"),
                fcWeight: at(p + "mlp.fc.weight"), fcBias: at(p + "mlp.fc.bias"),
                fcProjWeight: at(p + "mlp.proj.weight"), fcProjBias: at(p + "mlp.proj.bias"))
        }
    }
}

/// Views of one transformer block's parameters (C = model width).
public struct LayerParameters {
    /// (C), (C): pre-attention LayerNorm.
    public let ln1Weight, ln1Bias: UnsafeMutablePointer<Float>
    /// (3C, C), (3C): fused query/key/value projection.
    public let qkvWeight, qkvBias: UnsafeMutablePointer<Float>
    /// (C, C), (C): attention output projection.
    public let attnProjWeight, attnProjBias: UnsafeMutablePointer<Float>
    /// (C), (C): pre-MLP LayerNorm.
    public let ln2Weight, ln2Bias: UnsafeMutablePointer<Float>
    /// (4C, C), (4C): MLP expansion.
    public let fcWeight, fcBias: UnsafeMutablePointer<Float>
    /// (C, 4C), (C): MLP projection back to the residual stream.
    public let fcProjWeight, fcProjBias: UnsafeMutablePointer<Float>
}
