/// The Hugging Face decoder classes the built-in engine runs, and the
/// tensors each needs: what upload validation checks a checkpoint against.
public enum HFArchitecture: String, Sendable, CaseIterable {
    case llama = "LlamaForCausalLM"
    case qwen2 = "Qwen2ForCausalLM"
    case qwen3 = "Qwen3ForCausalLM"
    case mistral = "MistralForCausalLM"

    /// The `architectures` names the built-in engine runs.
    public static let supported: Set<String> = Set(allCases.map(\.rawValue))

    /// The usual `model_type` of this class.
    public var modelType: String {
        switch self {
        case .llama: "llama"
        case .qwen2: "qwen2"
        case .qwen3: "qwen3"
        case .mistral: "mistral"
        }
    }

    /// Every tensor the model needs, with the shape the config implies, in
    /// the order transformers names them (embedding, layers, final norm, output).
    /// Tensors a checkpoint may carry beyond these (e.g. an old
    /// `rotary_emb.inv_freq`, or `lm_head.weight` of a tied model) are ignored,
    /// as transformers ignores them.
    public static func expectedTensors(for config: HFModelConfig) -> [(name: String, shape: [Int])] {
        let C = config.hiddenSize, D = config.headDimension, I = config.intermediateSize
        let q = config.headCount * D, kv = config.keyValueHeadCount * D
        var tensors: [(name: String, shape: [Int])] = [("model.embed_tokens.weight", [config.vocabSize, C])]
        for l in 0..<config.layerCount {
            let p = "model.layers.\(l)."
            tensors.append((p + "input_layernorm.weight", [C]))
            for (name, rows) in [("q_proj", q), ("k_proj", kv), ("v_proj", kv)] {
                tensors.append((p + "self_attn.\(name).weight", [rows, C]))
                if config.qkvBias { tensors.append((p + "self_attn.\(name).bias", [rows])) }
            }
            tensors.append((p + "self_attn.o_proj.weight", [C, q]))
            if config.outputBias { tensors.append((p + "self_attn.o_proj.bias", [C])) }
            if config.qkNorm {
                tensors.append((p + "self_attn.q_norm.weight", [D]))
                tensors.append((p + "self_attn.k_norm.weight", [D]))
            }
            tensors.append((p + "post_attention_layernorm.weight", [C]))
            for (name, shape) in [("gate_proj", [I, C]), ("up_proj", [I, C]), ("down_proj", [C, I])] {
                tensors.append((p + "mlp.\(name).weight", shape))
                if config.mlpBias { tensors.append((p + "mlp.\(name).bias", [shape[0]])) }
            }
        }
        tensors.append(("model.norm.weight", [C]))
        if !config.tieWordEmbeddings { tensors.append(("lm_head.weight", [config.vocabSize, C])) }
        return tensors
    }

    /// The element types the engine reads in place.
    public static let supportedDTypes: Set<SafetensorsDType> = [.bf16, .f16, .f32]

    /// Checks a checkpoint's tensors against what `config` needs.
    /// - Parameters:
    ///   - tensors: every tensor of the checkpoint (all shards) with its shape and dtype.
    ///   - config: the checkpoint's config.
    /// - Returns: one error per missing, misshaped or unreadable tensor, in
    ///   `expectedTensors` order; empty when the checkpoint is runnable.
    public static func problems(
        tensors: [(name: String, shape: [Int], dtype: SafetensorsDType)], config: HFModelConfig
    ) -> [HFWeightError] {
        var byName: [String: (shape: [Int], dtype: SafetensorsDType)] = [:]
        for tensor in tensors { byName[tensor.name] = (tensor.shape, tensor.dtype) }
        var problems: [HFWeightError] = []
        for expected in expectedTensors(for: config) {
            guard let found = byName[expected.name] else {
                problems.append(.missingTensor(expected.name))
                continue
            }
            if found.shape != expected.shape {
                problems.append(.shapeMismatch(name: expected.name, expected: expected.shape, found: found.shape))
            } else if !supportedDTypes.contains(found.dtype) {
                problems.append(.unsupportedDType(name: expected.name, dtype: found.dtype.rawValue))
            }
        }
        return problems
    }

    /// `problems`, throwing the first.
    /// - Throws: `HFWeightError` naming the tensor.
    public static func validate(
        tensors: [(name: String, shape: [Int], dtype: SafetensorsDType)], config: HFModelConfig
    ) throws(HFWeightError) {
        if let first = problems(tensors: tensors, config: config).first { throw first }
    }
}
