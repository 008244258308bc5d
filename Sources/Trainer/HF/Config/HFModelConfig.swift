import Foundation

/// The shape and options of a Llama / Qwen2 / Qwen3 / Mistral decoder, read
/// from a Hugging Face `config.json` in either spelling: released
/// checkpoints (`rope_theta`, `rope_scaling`, `torch_dtype`) and
/// transformers 5 (`rope_parameters`, `dtype`). Defaults for absent fields
/// are the ones transformers applies for that architecture.
public struct HFModelConfig: Sendable, Equatable {
    /// The model class (`architectures[0]`).
    public var architecture: HFArchitecture
    /// `model_type`, as written (or the architecture's when absent).
    public var modelType: String
    /// V, rows of the embedding and of the output layer.
    public var vocabSize: Int
    /// C, the residual stream width (`hidden_size`).
    public var hiddenSize: Int
    /// The SwiGLU hidden width.
    public var intermediateSize: Int
    /// L.
    public var layerCount: Int
    /// Query heads.
    public var headCount: Int
    /// Key/value heads (grouped-query attention; divides `headCount`).
    public var keyValueHeadCount: Int
    /// Width of one head (`head_dim`, explicit or derived).
    public var headDimension: Int
    /// Epsilon of every RMSNorm.
    public var rmsNormEpsilon: Double
    /// `max_position_embeddings`: the context the model is served with.
    public var maxPositionEmbeddings: Int
    /// RoPE base (`rope_theta`).
    public var ropeTheta: Double
    /// RoPE scaling.
    public var ropeScaling: RopeScaling
    /// Whether the output layer is the embedding matrix.
    public var tieWordEmbeddings: Bool
    /// Bias on the q, k, v projections (Qwen2 always; Llama/Qwen3 with `attention_bias`).
    public var qkvBias: Bool
    /// Bias on the output projection (Llama/Qwen3 `attention_bias`).
    public var outputBias: Bool
    /// Bias on the MLP projections (Llama `mlp_bias`).
    public var mlpBias: Bool
    /// RMSNorm of each query and key head before RoPE (Qwen3).
    public var qkNorm: Bool
    /// Attention window in tokens (a query sees itself and the window - 1
    /// tokens before it) for the layers where `slidingLayers` is true.
    public var slidingWindow: Int?
    /// Per layer: whether it attends through the sliding window.
    public var slidingLayers: [Bool]
    /// The stored precision the config declares (`torch_dtype` / `dtype`).
    public var declaredDType: String?
    /// `bos_token_id`.
    public var bosTokenID: Int?
    /// `eos_token_id` (an int or a list in the file).
    public var eosTokenIDs: [Int]

    /// The context a server offers, as vLLM derives `max_model_len`:
    /// `max_position_embeddings`, times the factor for linear and dynamic
    /// RoPE scaling, the original context times the factor for YaRN (Llama 3's
    /// `max_position_embeddings` is already the extended one).
    public var servedContextLength: Int {
        switch ropeScaling {
        case .none, .llama3: maxPositionEmbeddings
        case .linear(let factor), .dynamic(let factor): Int(Double(maxPositionEmbeddings) * factor)
        case .yarn(let yarn): Int(Double(yarn.originalContext) * yarn.factor)
        }
    }

    /// Parses `config.json`.
    /// - Throws: `HFConfigError` naming the field.
    public init(json data: Data) throws(HFConfigError) {
        try self.init(reader: try JSONObjectReader.parse(data, file: "config.json"))
    }

    /// Reads `config.json` from a model directory.
    public init(directory: URL) throws(HFConfigError) {
        let url = directory.appendingPathComponent("config.json")
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .invalidJSON(file: "config.json", reason: "cannot read \(url.path)")
        }
        try self.init(json: data)
    }

    init(reader r: JSONObjectReader) throws(HFConfigError) {
        guard let names = try r.strings("architectures"), let name = names.first else { throw .missingField("architectures") }
        guard let architecture = HFArchitecture(rawValue: name) else { throw .unsupportedArchitecture(name) }
        self.architecture = architecture
        modelType = try r.string("model_type") ?? architecture.modelType
        if let activation = try r.string("hidden_act"), activation != "silu" {
            throw .unsupportedFeature("hidden_act", reason: "\"\(activation)\" is not supported (silu)")
        }
        vocabSize = try r.requiredInt("vocab_size")
        hiddenSize = try r.requiredInt("hidden_size")
        intermediateSize = try r.requiredInt("intermediate_size")
        layerCount = try r.requiredInt("num_hidden_layers")
        headCount = try r.requiredInt("num_attention_heads")
        keyValueHeadCount = try r.int("num_key_value_heads") ?? headCount
        guard keyValueHeadCount >= 1, headCount % keyValueHeadCount == 0 else {
            throw .invalidField("num_key_value_heads", reason: "must divide num_attention_heads (\(headCount))")
        }
        // Qwen3's default head_dim is 128; the others derive it from the width
        let derived = architecture == .qwen3 ? 128 : hiddenSize / headCount
        headDimension = try r.int("head_dim") ?? derived
        guard headDimension >= 2, headDimension % 2 == 0 else {
            throw .invalidField("head_dim", reason: "must be even and >= 2, not \(headDimension)")
        }
        guard try r.int("head_dim") != nil || architecture == .qwen3 || hiddenSize % headCount == 0 else {
            throw .invalidField("hidden_size", reason: "must be a multiple of num_attention_heads when head_dim is absent")
        }
        rmsNormEpsilon = try r.double("rms_norm_eps") ?? 1e-6
        guard rmsNormEpsilon > 0 else { throw .invalidField("rms_norm_eps", reason: "must be > 0") }
        maxPositionEmbeddings = try r.requiredInt("max_position_embeddings")
        tieWordEmbeddings = try r.bool("tie_word_embeddings") ?? false
        let attentionBias = try r.bool("attention_bias") ?? false
        switch architecture {
        case .llama:
            qkvBias = attentionBias; outputBias = attentionBias; mlpBias = try r.bool("mlp_bias") ?? false; qkNorm = false
        case .qwen2:
            qkvBias = true; outputBias = false; mlpBias = false; qkNorm = false
        case .qwen3:
            qkvBias = attentionBias; outputBias = attentionBias; mlpBias = false; qkNorm = true
        case .mistral:
            qkvBias = false; outputBias = false; mlpBias = false; qkNorm = false
        }
        (ropeTheta, ropeScaling) = try Self.rope(r, maxPositions: maxPositionEmbeddings)
        (slidingWindow, slidingLayers) = try Self.slidingWindow(r, architecture: architecture, layers: layerCount)
        let dtype = try r.string("dtype"), torchDType = try r.string("torch_dtype")
        declaredDType = dtype ?? torchDType
        bosTokenID = try r.int("bos_token_id")
        eosTokenIDs = try r.intOrInts("eos_token_id")
    }

    /// `rope_parameters` (transformers 5) or `rope_theta` + `rope_scaling` (released).
    private static func rope(_ r: JSONObjectReader, maxPositions: Int) throws(HFConfigError) -> (Double, RopeScaling) {
        let parameters = try r.object("rope_parameters")
        let released = try r.object("rope_scaling")
        let scaling = parameters ?? released
        let nestedTheta = try parameters?.double("rope_theta"), topTheta = try r.double("rope_theta")
        let theta = nestedTheta ?? topTheta ?? 10_000
        guard theta > 1 else { throw .invalidField(parameters == nil ? "rope_theta" : "rope_parameters.rope_theta", reason: "must be > 1") }
        for reader in [parameters, scaling, r].compactMap({ $0 }) {
            if let fraction = try reader.double("partial_rotary_factor"), fraction != 1 {
                throw .unsupportedFeature(reader.name("partial_rotary_factor"), reason: "partial rotary embeddings are not supported")
            }
        }
        return (theta, try RopeScaling.parse(scaling, maxPositions: maxPositions, topLevelOriginal: try r.int("original_max_position_embeddings")))
    }

    /// Which layers use a sliding window, as transformers decides it: Mistral
    /// on every layer whenever `sliding_window` is set (4096 when the key is
    /// absent); Qwen2/Qwen3 only with `use_sliding_window`, on the layers
    /// `layer_types` marks, else from `max_window_layers` on; Llama never.
    private static func slidingWindow(
        _ r: JSONObjectReader, architecture: HFArchitecture, layers: Int
    ) throws(HFConfigError) -> (Int?, [Bool]) {
        let window: Int?
        switch architecture {
        case .llama: return (nil, [Bool](repeating: false, count: layers))
        case .mistral: window = r.object["sliding_window"] == nil ? 4096 : try r.int("sliding_window")
        case .qwen2, .qwen3:
            let enabled = try r.bool("use_sliding_window") ?? false
            window = enabled ? (r.object["sliding_window"] == nil ? 4096 : try r.int("sliding_window")) : nil
        }
        guard let window else { return (nil, [Bool](repeating: false, count: layers)) }
        guard window >= 1 else { throw .invalidField("sliding_window", reason: "must be >= 1") }
        if let types = try r.strings("layer_types") {
            guard types.count == layers else {
                throw .invalidField("layer_types", reason: "has \(types.count) entries for \(layers) layers")
            }
            var sliding: [Bool] = []
            for type in types {
                switch type {
                case "sliding_attention": sliding.append(true)
                case "full_attention": sliding.append(false)
                default: throw .unsupportedFeature("layer_types", reason: "layer type \"\(type)\" is not supported")
                }
            }
            return (window, sliding)
        }
        if architecture == .mistral { return (window, [Bool](repeating: true, count: layers)) }
        let first = try r.int("max_window_layers") ?? 28
        return (window, (0..<layers).map { $0 >= first })
    }
}
