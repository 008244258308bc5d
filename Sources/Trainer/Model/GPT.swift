/// A pre-LayerNorm GPT in the style of llm.c's `train_gpt2.c`: token + learned
/// position embeddings, L blocks of causal multi-head self-attention and a
/// GELU MLP (4x), a final LayerNorm and an output projection tied to `wte`.
///
/// Shapes used throughout: B batch, T sequence length (<= maxT), C model width,
/// V vocabulary, NH heads, L blocks. Parameters live in one contiguous buffer
/// (`parameters`, named views in `params`), gradients likewise; activations are
/// preallocated for the last (B, T) seen. Not thread-safe: one owner at a time.
public final class GPT {
    /// Model hyper-parameters.
    public let config: GPTConfig
    /// Names, shapes and offsets of every parameter tensor.
    public let layout: ParameterLayout
    /// All parameters, contiguous, in `layout` order.
    public let parameters: FloatBuffer
    /// Gradients of the loss with respect to `parameters` (same layout).
    public let gradients: FloatBuffer
    /// Named views into `parameters`.
    public let params: ParameterTensors
    /// Named views into `gradients`.
    public let grads: ParameterTensors
    /// Activations of the last forward pass (nil before the first).
    public private(set) var activations: ActivationTensors?
    var scratch: GradientScratch?
    var inputs: [Int32] = []
    var targets: [Int32]?
    var invTemperature: Float = 1

    /// Creates a model with GPT-2 initialisation: weights ~ N(0, 0.02), the two
    /// residual projections scaled by 1/sqrt(2L), biases 0, LayerNorm gains 1.
    /// - Parameters:
    ///   - config: hyper-parameters (validated).
    ///   - seed: seed of the initialisation.
    /// - Throws: `ConfigError` for an invalid config.
    public init(config: GPTConfig, seed: UInt64 = 0) throws(ConfigError) {
        try config.validate()
        self.config = config
        layout = ParameterLayout(config: config)
        parameters = FloatBuffer(count: layout.count)
        gradients = FloatBuffer(count: layout.count)
        params = ParameterTensors(parameters, layout: layout)
        grads = ParameterTensors(gradients, layout: layout)
        var rng = Xoshiro256(seed: seed)
        let residualScale = 1 / (2 * Double(config.layerCount)).squareRoot()
        for spec in layout.specs {
            let p = parameters.pointer + spec.offset
            if spec.shape.count == 2 {
                let isProjection = spec.name.hasSuffix("attn.proj.weight") || spec.name.hasSuffix("mlp.proj.weight")
                let std = 0.02 * (isProjection ? residualScale : 1)
                for i in 0..<spec.count { p[i] = Float(rng.nextGaussian() * std) }
            } else if spec.name.hasSuffix("ln1.weight") || spec.name.hasSuffix("ln2.weight")
                || spec.name == "lnf.weight" {
                p.update(repeating: 1, count: spec.count)
            }
        }
    }

    /// Number of parameters.
    public var parameterCount: Int { layout.count }

    /// Runs the forward pass (llm.c `gpt2_forward`), filling `activations.logits`;
    /// with `targets` also the softmax, per-token log-probabilities and entropies.
    /// - Parameters:
    ///   - tokens: (B, T) input ids, row-major.
    ///   - targets: (B, T) next-token ids, or nil for logits only.
    ///   - B: batch size; T: sequence length (1...contextLength).
    ///   - temperature: logits are divided by it before the softmax (default 1).
    /// - Throws: `GPTError` for bad shapes or ids.
    public func forward(
        tokens: [Int32], targets: [Int32]? = nil, B: Int, T: Int, temperature: Float = 1
    ) throws(GPTError) {
        try validate(tokens: tokens, targets: targets, B: B, T: T)
        guard temperature > 0, temperature.isFinite else { throw .invalidArgument("temperature must be > 0") }
        let C = config.modelDimension, V = config.vocabSize, NH = config.headCount
        let acts = preparedActivations(B: B, T: T)
        let p = params
        inputs = tokens
        self.targets = targets
        invTemperature = 1 / temperature
        Encoder.forward(out: acts.encoded, tokens: inputs, wte: p.wte, wpe: p.wpe, B: B, T: T, C: C)
        let BT = B * T
        for l in 0..<config.layerCount {
            let w = p.layers[l], a = acts.layers[l]
            let residual = l == 0 ? acts.encoded : acts.layers[l - 1].residual3
            LayerNorm.forward(
                out: a.ln1, mean: a.ln1Mean, rstd: a.ln1Rstd, inp: residual,
                weight: w.ln1Weight, bias: w.ln1Bias, N: BT, C: C)
            Matmul.forward(out: a.qkv, inp: a.ln1, weight: w.qkvWeight, bias: w.qkvBias, N: BT, C: C, OC: 3 * C)
            Attention.forward(out: a.atty, att: a.att, qkv: a.qkv, B: B, T: T, C: C, NH: NH)
            Matmul.forward(
                out: a.attproj, inp: a.atty, weight: w.attnProjWeight, bias: w.attnProjBias, N: BT, C: C, OC: C)
            Residual.forward(out: a.residual2, inp1: residual, inp2: a.attproj, N: BT * C)
            LayerNorm.forward(
                out: a.ln2, mean: a.ln2Mean, rstd: a.ln2Rstd, inp: a.residual2,
                weight: w.ln2Weight, bias: w.ln2Bias, N: BT, C: C)
            Matmul.forward(out: a.fch, inp: a.ln2, weight: w.fcWeight, bias: w.fcBias, N: BT, C: C, OC: 4 * C)
            GELU.forward(out: a.fchGelu, inp: a.fch, N: BT * 4 * C)
            Matmul.forward(
                out: a.fcproj, inp: a.fchGelu, weight: w.fcProjWeight, bias: w.fcProjBias, N: BT, C: 4 * C, OC: C)
            Residual.forward(out: a.residual3, inp1: a.residual2, inp2: a.fcproj, N: BT * C)
        }
        let last = config.layerCount == 0 ? acts.encoded : acts.layers[config.layerCount - 1].residual3
        LayerNorm.forward(
            out: acts.lnf, mean: acts.lnfMean, rstd: acts.lnfRstd, inp: last,
            weight: p.lnfWeight, bias: p.lnfBias, N: BT, C: C)
        Matmul.forward(out: acts.logits, inp: acts.lnf, weight: p.wte, bias: nil, N: BT, C: C, OC: V)
        if let targets {
            SoftmaxCrossEntropy.forward(
                probs: acts.probs, logprobs: acts.logprobs, entropy: acts.entropy, logits: acts.logits,
                targets: targets, invTemperature: invTemperature, N: BT, V: V)
        }
    }

    /// Activations for (B, T), reallocated only when the shape changes.
    private func preparedActivations(B: Int, T: Int) -> ActivationTensors {
        if let acts = activations, acts.B == B, acts.T == T { return acts }
        activations = nil
        scratch = nil
        let acts = ActivationTensors(config: config, B: B, T: T)
        activations = acts
        return acts
    }

    private func validate(tokens: [Int32], targets: [Int32]?, B: Int, T: Int) throws(GPTError) {
        guard B >= 1, T >= 1 else { throw .invalidArgument("B and T must be >= 1, got B=\(B) T=\(T)") }
        guard T <= config.contextLength else { throw .sequenceTooLong(length: T, contextLength: config.contextLength) }
        guard tokens.count == B * T else { throw .countMismatch(what: "tokens", expected: B * T, got: tokens.count) }
        try GPTError.checkIDs(tokens, vocabSize: config.vocabSize, what: "tokens")
        if let targets {
            guard targets.count == B * T else {
                throw .countMismatch(what: "targets", expected: B * T, got: targets.count)
            }
            try GPTError.checkIDs(targets, vocabSize: config.vocabSize, what: "targets")
        }
    }
}
