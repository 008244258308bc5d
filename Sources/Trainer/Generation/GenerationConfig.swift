/// Sampling settings for `Generator`. JSON keys: `max_new_tokens`,
/// `temperature`, `top_p`, `top_k`, `stop`, `seed`, `stop_at_eos`; missing keys
/// take the defaults, unknown keys are refused.
public struct GenerationConfig: Codable, Sendable, Equatable {
    /// Most tokens generated per sequence (the context may stop it sooner).  Default 128.
    public var maxNewTokens: Int
    /// Softmax temperature; 0 means greedy.  Default 1.
    public var temperature: Float
    /// Nucleus mass kept (1 = off).  Default 1.
    public var topP: Float
    /// Most likely tokens kept (0 = off).  Default 0.
    public var topK: Int
    /// Stop strings, matched on the generated text; the text ends with the match.  Default none.
    public var stop: [String]
    /// Seed of the per-sequence generators (sequence b uses stream b).  Default 0.
    public var seed: UInt64
    /// Stop a sequence when it samples EOS.  Default true.
    public var stopAtEOS: Bool

    /// Creates a configuration.
    public init(
        maxNewTokens: Int = 128, temperature: Float = 1, topP: Float = 1, topK: Int = 0,
        stop: [String] = [], seed: UInt64 = 0, stopAtEOS: Bool = true
    ) {
        self.maxNewTokens = maxNewTokens
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.stop = stop
        self.seed = seed
        self.stopAtEOS = stopAtEOS
    }

    /// Checks the ranges of every field.
    public func validate() throws(ConfigError) {
        guard maxNewTokens >= 0 else { throw .invalid("max_new_tokens must be >= 0") }
        guard temperature >= 0, temperature.isFinite else { throw .invalid("temperature must be finite and >= 0") }
        guard topP > 0, topP <= 1 else { throw .invalid("top_p must be in (0, 1]") }
        guard topK >= 0 else { throw .invalid("top_k must be >= 0") }
        guard !stop.contains("") else { throw .invalid("stop strings must not be empty") }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxNewTokens = "max_new_tokens"
        case temperature
        case topP = "top_p"
        case topK = "top_k"
        case stop, seed
        case stopAtEOS = "stop_at_eos"
    }

    /// Decodes, rejecting unknown keys and invalid values.
    public init(from decoder: any Decoder) throws {
        try ConfigError.rejectUnknownKeys(in: decoder, valid: CodingKeys.allCases.map(\.rawValue), type: "generation config")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = GenerationConfig()
        self.init(
            maxNewTokens: try c.decodeIfPresent(Int.self, forKey: .maxNewTokens) ?? d.maxNewTokens,
            temperature: try c.decodeIfPresent(Float.self, forKey: .temperature) ?? d.temperature,
            topP: try c.decodeIfPresent(Float.self, forKey: .topP) ?? d.topP,
            topK: try c.decodeIfPresent(Int.self, forKey: .topK) ?? d.topK,
            stop: try c.decodeIfPresent([String].self, forKey: .stop) ?? d.stop,
            seed: try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed,
            stopAtEOS: try c.decodeIfPresent(Bool.self, forKey: .stopAtEOS) ?? d.stopAtEOS)
        try validate()
    }
}
