/// Hyper-parameters of the GPT. Decoded from JSON with snake_case keys; a
/// missing key takes its default, an unknown key is an error (so a typo in a
/// config file or a checkpoint from a different model family is refused).
///
/// ```json
/// {"vocab_size": 512, "context_length": 256, "n_layer": 4, "n_head": 4, "d_model": 256}
/// ```
public struct GPTConfig: Codable, Sendable, Equatable, Hashable {
    /// V: token vocabulary (256 bytes + special tokens, padded).  Default 512.
    public var vocabSize: Int
    /// maxT: longest sequence, the size of the position table.  Default 256.
    public var contextLength: Int
    /// L: number of transformer blocks.  Default 4.
    public var layerCount: Int
    /// NH: attention heads per block (must divide `modelDimension`).  Default 4.
    public var headCount: Int
    /// C: model (residual stream) width.  Default 256.
    public var modelDimension: Int

    /// The reference model: V 512, maxT 256, L 4, NH 4, C 256 (about 3.3M parameters).
    public static let reference = GPTConfig()

    /// Creates a configuration (defaults are the reference model).
    public init(
        vocabSize: Int = 512, contextLength: Int = 256, layerCount: Int = 4,
        headCount: Int = 4, modelDimension: Int = 256
    ) {
        self.vocabSize = vocabSize
        self.contextLength = contextLength
        self.layerCount = layerCount
        self.headCount = headCount
        self.modelDimension = modelDimension
    }

    /// Per-head width, `C / NH`.
    public var headDimension: Int { modelDimension / headCount }

    /// Checks every field is positive and the heads divide the width.
    /// - Throws: `ConfigError.invalid` naming the offending field.
    public func validate() throws(ConfigError) {
        for (key, value) in [
            ("vocab_size", vocabSize), ("context_length", contextLength), ("n_layer", layerCount),
            ("n_head", headCount), ("d_model", modelDimension),
        ] where value < 1 || value > 1 << 20 {
            throw .invalid("\(key) must be between 1 and \(1 << 20), got \(value)")
        }
        if modelDimension % headCount != 0 {
            throw .invalid("d_model (\(modelDimension)) must be divisible by n_head (\(headCount))")
        }
        let c = Double(modelDimension)
        let estimate = Double(vocabSize + contextLength) * c + Double(layerCount) * (12 * c * c + 13 * c)
        if estimate > Double(1 << 32) {
            throw .invalid("the model would have about \(Int(estimate)) parameters (limit \(1 << 32))")
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case vocabSize = "vocab_size"
        case contextLength = "context_length"
        case layerCount = "n_layer"
        case headCount = "n_head"
        case modelDimension = "d_model"
    }

    /// Decodes, rejecting unknown keys and invalid values.
    public init(from decoder: any Decoder) throws {
        try ConfigError.rejectUnknownKeys(in: decoder, valid: CodingKeys.allCases.map(\.rawValue), type: "GPT config")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = GPTConfig.reference
        self.init(
            vocabSize: try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? d.vocabSize,
            contextLength: try c.decodeIfPresent(Int.self, forKey: .contextLength) ?? d.contextLength,
            layerCount: try c.decodeIfPresent(Int.self, forKey: .layerCount) ?? d.layerCount,
            headCount: try c.decodeIfPresent(Int.self, forKey: .headCount) ?? d.headCount,
            modelDimension: try c.decodeIfPresent(Int.self, forKey: .modelDimension) ?? d.modelDimension)
        try validate()
    }
}
