/// Every constant of AEPO.md section 1, with the paper's / released code's
/// defaults. Decoding rejects unknown keys and fills in the defaults.
public struct RolloutConfig: Codable, Sendable, Hashable {
    /// k: rollouts per prompt (the group size).
    public var groupSize = 8
    /// beta: how sharply pre-monitoring turns the entropy gap into a global budget.
    public var budgetBeta = 0.5
    /// Tokens of the bare question's first response used for H_root (released code: 50).
    public var rootEntropyTokens = 50
    /// Tokens after each tool result used for H_tool (released code: 20).
    public var toolEntropyTokens = 20
    /// gamma: weight of the entropy change in AEPO's branch probability.
    public var entropyWeight = 0.2
    /// ARPO's weight of the entropy change (its beta).
    public var arpoEntropyWeight = 0.2
    /// Phat(l) = penaltySlope * l for l consecutive branching steps.
    public var penaltySlope = 0.05
    /// tau: branch when P >= tau.
    public var branchThreshold = 0.5
    /// A branch adds beamSize - 1 copies of the path.
    public var beamSize = 2
    /// ARPO's fixed number of global samples (AEPO computes it per prompt).
    public var arpoGlobalSamples = 4

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case groupSize = "group_size"
        case budgetBeta = "budget_beta"
        case rootEntropyTokens = "root_entropy_tokens"
        case toolEntropyTokens = "tool_entropy_tokens"
        case entropyWeight = "entropy_weight"
        case arpoEntropyWeight = "arpo_entropy_weight"
        case penaltySlope = "penalty_slope"
        case branchThreshold = "branch_threshold"
        case beamSize = "beam_size"
        case arpoGlobalSamples = "arpo_global_samples"
    }

    public init(from decoder: any Decoder) throws {
        try ConfigError.rejectUnknownKeys(in: decoder, valid: CodingKeys.allCases.map(\.rawValue), type: "rollout config")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = RolloutConfig()
        groupSize = try container.decodeIfPresent(Int.self, forKey: .groupSize) ?? defaults.groupSize
        budgetBeta = try container.decodeIfPresent(Double.self, forKey: .budgetBeta) ?? defaults.budgetBeta
        rootEntropyTokens = try container.decodeIfPresent(Int.self, forKey: .rootEntropyTokens) ?? defaults.rootEntropyTokens
        toolEntropyTokens = try container.decodeIfPresent(Int.self, forKey: .toolEntropyTokens) ?? defaults.toolEntropyTokens
        entropyWeight = try container.decodeIfPresent(Double.self, forKey: .entropyWeight) ?? defaults.entropyWeight
        arpoEntropyWeight = try container.decodeIfPresent(Double.self, forKey: .arpoEntropyWeight) ?? defaults.arpoEntropyWeight
        penaltySlope = try container.decodeIfPresent(Double.self, forKey: .penaltySlope) ?? defaults.penaltySlope
        branchThreshold = try container.decodeIfPresent(Double.self, forKey: .branchThreshold) ?? defaults.branchThreshold
        beamSize = try container.decodeIfPresent(Int.self, forKey: .beamSize) ?? defaults.beamSize
        arpoGlobalSamples = try container.decodeIfPresent(Int.self, forKey: .arpoGlobalSamples) ?? defaults.arpoGlobalSamples
    }
}
