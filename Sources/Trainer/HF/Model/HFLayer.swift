/// One decoder layer's weights: matrices stay where they are mapped, in
/// their stored precision; norm weights and biases (a few KB) are converted
/// to f32 once.
struct HFLayer {
    let inputNorm: FloatBuffer
    let postAttentionNorm: FloatBuffer
    let q: HFLinear, k: HFLinear, v: HFLinear, o: HFLinear
    let qNorm: FloatBuffer?, kNorm: FloatBuffer?
    let gate: HFLinear, up: HFLinear, down: HFLinear
    /// Attention window of this layer (nil: the whole prefix).
    let window: Int?

    init(_ weights: HFWeights, config: HFModelConfig, index l: Int) throws(HFWeightError) {
        let p = "model.layers.\(l)."
        func vector(_ name: String) throws(HFWeightError) -> FloatBuffer { FloatBuffer(try weights.tensor(p + name).floats()) }
        func linear(_ name: String, bias: Bool) throws(HFWeightError) -> HFLinear {
            HFLinear(
                weight: try weights.tensor(p + name + ".weight"),
                bias: bias ? FloatBuffer(try weights.tensor(p + name + ".bias").floats()) : nil)
        }
        inputNorm = try vector("input_layernorm.weight")
        postAttentionNorm = try vector("post_attention_layernorm.weight")
        q = try linear("self_attn.q_proj", bias: config.qkvBias)
        k = try linear("self_attn.k_proj", bias: config.qkvBias)
        v = try linear("self_attn.v_proj", bias: config.qkvBias)
        o = try linear("self_attn.o_proj", bias: config.outputBias)
        qNorm = config.qkNorm ? try vector("self_attn.q_norm.weight") : nil
        kNorm = config.qkNorm ? try vector("self_attn.k_norm.weight") : nil
        gate = try linear("mlp.gate_proj", bias: config.mlpBias)
        up = try linear("mlp.up_proj", bias: config.mlpBias)
        down = try linear("mlp.down_proj", bias: config.mlpBias)
        window = config.slidingLayers[l] ? config.slidingWindow : nil
    }
}

/// A weight matrix (out features, in features) read in place, and its f32 bias.
struct HFLinear {
    let weight: WeightTensor
    let bias: FloatBuffer?
    var outFeatures: Int { weight.shape[0] }
    var inFeatures: Int { weight.shape[1] }
}
