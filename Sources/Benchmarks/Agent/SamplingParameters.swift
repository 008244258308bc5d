/// How the model samples each completion (BENCHMARKS.md, sampling defaults).
///
/// Decoded from snake_case JSON (`temperature`, `top_p`, `top_k`,
/// `repetition_penalty`, `max_tokens`); a missing key takes its default, an
/// unknown key or an out-of-range value is an error.
public struct SamplingParameters: Sendable, Hashable, Codable {
    /// Softmax temperature; 0 is greedy (default 0.6).
    public var temperature: Double
    /// Nucleus sampling mass, in (0, 1] (default 0.95).
    public var topP: Double
    /// Top-k cut-off; -1 disables it (default 20).
    public var topK: Int
    /// vLLM's repetition penalty; 1 disables it (default 1.1).
    public var repetitionPenalty: Double
    /// The most tokens one model call may generate (default 4096).
    public var maxTokens: Int

    /// Creates sampling parameters; every argument defaults to the paper's value.
    public init(
        temperature: Double = 0.6, topP: Double = 0.95, topK: Int = 20,
        repetitionPenalty: Double = 1.1, maxTokens: Int = 4096
    ) {
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.repetitionPenalty = repetitionPenalty
        self.maxTokens = maxTokens
    }

    /// Greedy decoding with the vLLM extensions neutral, for judges.
    public static func greedy(maxTokens: Int) -> SamplingParameters {
        SamplingParameters(temperature: 0, topP: 1, topK: -1, repetitionPenalty: 1, maxTokens: maxTokens)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case temperature
        case topP = "top_p"
        case topK = "top_k"
        case repetitionPenalty = "repetition_penalty"
        case maxTokens = "max_tokens"
    }

    /// Upper bounds of the request fields: far above any useful value, low
    /// enough that nothing downstream overflows or allocates on their account.
    public static let maxTemperature = 100.0
    public static let maxTopK = 1 << 20
    public static let maxRepetitionPenalty = 100.0
    public static let maxTokensLimit = 1 << 20

    /// Decodes the parameters, rejecting unknown keys and invalid values
    /// (negative temperature, `top_p` outside (0, 1], `top_k` below -1 or
    /// 0, a non-positive repetition penalty or `max_tokens`).
    public init(from decoder: any Decoder) throws {
        try StrictKeys.reject(decoder, allowing: Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SamplingParameters()
        temperature = try container.decodeIfPresent(Double.self, forKey: .temperature) ?? defaults.temperature
        topP = try container.decodeIfPresent(Double.self, forKey: .topP) ?? defaults.topP
        topK = try container.decodeIfPresent(Int.self, forKey: .topK) ?? defaults.topK
        repetitionPenalty =
            try container.decodeIfPresent(Double.self, forKey: .repetitionPenalty) ?? defaults.repetitionPenalty
        maxTokens = try container.decodeIfPresent(Int.self, forKey: .maxTokens) ?? defaults.maxTokens
        guard temperature >= 0, temperature <= Self.maxTemperature else {
            throw StrictKeys.invalid(CodingKeys.temperature, "temperature must be in [0, \(Self.maxTemperature)]", in: decoder)
        }
        guard topP > 0, topP <= 1 else {
            throw StrictKeys.invalid(CodingKeys.topP, "top_p must be in (0, 1]", in: decoder)
        }
        guard topK == -1 || (1...Self.maxTopK).contains(topK) else {
            throw StrictKeys.invalid(CodingKeys.topK, "top_k must be -1 (off) or in [1, \(Self.maxTopK)]", in: decoder)
        }
        guard repetitionPenalty > 0, repetitionPenalty <= Self.maxRepetitionPenalty else {
            throw StrictKeys.invalid(
                CodingKeys.repetitionPenalty, "repetition_penalty must be in (0, \(Self.maxRepetitionPenalty)]", in: decoder)
        }
        guard (1...Self.maxTokensLimit).contains(maxTokens) else {
            throw StrictKeys.invalid(CodingKeys.maxTokens, "max_tokens must be in [1, \(Self.maxTokensLimit)]", in: decoder)
        }
    }
}
