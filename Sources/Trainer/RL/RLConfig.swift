import Foundation

/// Settings of an RL run. JSON with snake_case keys; missing keys take the
/// defaults, unknown keys are refused (at every level):
///
/// ```json
/// {"prompts_per_step": 8, "rollout": {"group_size": 8}, "temperature": 1.0,
///  "lr": 2e-5, "mini_batches": 4, "clip_ratio_high": 0.28,
///  "entropy_advantage": true}
/// ```
///
/// The clip bounds and the entropy-aware advantage default to the
/// algorithm's own (`PolicyAlgorithm.defaultClipRange`,
/// `entropyAwareAdvantageByDefault`); a value given here overrides them.
public struct RLConfig: Codable, Sendable, Equatable {
    /// Prompts per step; each gets `rollout.groupSize` rollouts.  Default 8.
    public var promptsPerStep = 8
    /// The rollout constants of AEPO.md section 1 (k = `group_size`, default 8).
    public var rollout = RolloutConfig()
    /// Sampling temperature of the rollouts (top-p 1, no top-k, so the
    /// ratios compare the very distributions that sampled).  Default 1.
    public var temperature = 1.0
    /// Most tokens per model call of a rollout.  Default 96.
    public var maxTokensPerCall = 96
    /// Learning rate, constant after warmup (verl's actor default schedule).
    /// Default 2e-5: on the width-128 SFT models 1e-4 collapses synth-arith
    /// accuracy within two steps, 2e-5 improves it (docs/rl.md).
    public var learningRate: Float = 2e-5
    /// Linear warmup steps.  Default 0.
    public var warmupSteps = 0
    /// Optimiser steps per rollout batch (verl's train_batch / ppo_mini_batch).  Default 4.
    public var miniBatches = 4
    /// Passes over the rollout batch (verl's ppo_epochs).  Default 1.
    public var epochs = 1
    /// Global gradient-norm clip.  Default 1.
    public var gradClip: Float = 1
    /// eps_low, or nil for the algorithm's default.
    public var clipLow: Double?
    /// eps_high, or nil for the algorithm's default.
    public var clipHigh: Double?
    /// Dual clip c.  Default 3.
    public var dualClip: Double? = 3
    /// AEPO's entropy-aware advantage, or nil for the algorithm's default (on for AEPO only).
    public var entropyAdvantage: Bool?
    /// Weight a of the entropy-aware advantage.  Default 0.2.
    public var entropyAdvantageWeight = 0.2
    /// AdamW moments and weight decay.  Default verl's actor: betas (0.9, 0.999), weight decay 0.01.
    public var adamw = AdamWConfig(beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01)
    /// The synthetic suite (seed and split sizes).
    public var data = SynthSuiteConfig()
    /// Steps of the SFT warm start run first when no initial checkpoint is given.  Default 3000.
    public var warmStartSteps = 3000
    /// Settings of that warm start (its model is the policy).  Default `SFTConfig.defaults(for:)` of the task.
    public var warmStart = SFTConfig.defaults(for: .arith)

    /// The defaults, with the warm start of `SFTConfig.defaults(for: task)`.
    public static func defaults(for task: SynthTask) -> RLConfig {
        var config = RLConfig()
        config.warmStart = SFTConfig.defaults(for: task)
        return config
    }

    /// The defaults of synth-arith.
    public init() {}

    /// The clip settings of `algorithm` under this configuration.
    public func clip(for algorithm: PolicyAlgorithm) -> ClipSettings {
        let range = algorithm.defaultClipRange
        return ClipSettings(low: clipLow ?? range.low, high: clipHigh ?? range.high, dualClip: dualClip)
    }

    /// Whether `algorithm` runs with the entropy-aware advantage.
    public func usesEntropyAdvantage(_ algorithm: PolicyAlgorithm) -> Bool {
        entropyAdvantage ?? algorithm.entropyAwareAdvantageByDefault
    }

    /// Checks every field.
    public func validate() throws(ConfigError) {
        guard (1...1024).contains(promptsPerStep) else { throw .invalid("prompts_per_step must be in 1...1024") }
        guard (1...256).contains(rollout.groupSize) else { throw .invalid("rollout.group_size must be in 1...256") }
        guard rollout.beamSize >= 1 else { throw .invalid("rollout.beam_size must be >= 1") }
        guard rollout.rootEntropyTokens >= 1, rollout.toolEntropyTokens >= 1 else {
            throw .invalid("rollout entropy token counts must be >= 1")
        }
        guard temperature > 0, temperature.isFinite else { throw .invalid("temperature must be finite and > 0") }
        guard maxTokensPerCall >= 1 else { throw .invalid("max_tokens_per_call must be >= 1") }
        guard learningRate > 0, learningRate.isFinite else { throw .invalid("lr must be finite and > 0") }
        guard warmupSteps >= 0 else { throw .invalid("warmup_steps must be >= 0") }
        guard miniBatches >= 1, epochs >= 1 else { throw .invalid("mini_batches and ppo_epochs must be >= 1") }
        guard miniBatches <= promptsPerStep * rollout.groupSize else {
            throw .invalid("mini_batches must not exceed the rollouts per step (\(promptsPerStep * rollout.groupSize))")
        }
        guard gradClip > 0, gradClip.isFinite else { throw .invalid("grad_clip must be finite and > 0") }
        for (name, value) in [("clip_ratio_low", clipLow), ("clip_ratio_high", clipHigh)] {
            if let value, !(value > 0 && value.isFinite) { throw .invalid("\(name) must be finite and > 0") }
        }
        if let dualClip, !(dualClip > 1 && dualClip.isFinite) { throw .invalid("clip_ratio_c must be > 1") }
        guard entropyAdvantageWeight.isFinite else { throw .invalid("entropy_advantage_weight must be finite") }
        guard warmStartSteps >= 1 else { throw .invalid("warm_start_steps must be >= 1") }
        try warmStart.validate()
        try adamw.validate()
        do { try data.validate() } catch { throw .invalid(error.description) }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case promptsPerStep = "prompts_per_step"
        case rollout, temperature
        case maxTokensPerCall = "max_tokens_per_call"
        case learningRate = "lr"
        case warmupSteps = "warmup_steps"
        case miniBatches = "mini_batches"
        case epochs = "ppo_epochs"
        case gradClip = "grad_clip"
        case clipLow = "clip_ratio_low"
        case clipHigh = "clip_ratio_high"
        case dualClip = "clip_ratio_c"
        case entropyAdvantage = "entropy_advantage"
        case entropyAdvantageWeight = "entropy_advantage_weight"
        case adamw, data
        case warmStartSteps = "warm_start_steps"
        case warmStart = "warm_start"
    }

    /// Decodes, rejecting unknown keys and invalid values.
    public init(from decoder: any Decoder) throws {
        try ConfigError.rejectUnknownKeys(in: decoder, valid: CodingKeys.allCases.map(\.rawValue), type: "RL config")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        promptsPerStep = try c.decodeIfPresent(Int.self, forKey: .promptsPerStep) ?? promptsPerStep
        rollout = try c.decodeIfPresent(RolloutConfig.self, forKey: .rollout) ?? rollout
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? temperature
        maxTokensPerCall = try c.decodeIfPresent(Int.self, forKey: .maxTokensPerCall) ?? maxTokensPerCall
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? learningRate
        warmupSteps = try c.decodeIfPresent(Int.self, forKey: .warmupSteps) ?? warmupSteps
        miniBatches = try c.decodeIfPresent(Int.self, forKey: .miniBatches) ?? miniBatches
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? epochs
        gradClip = try c.decodeIfPresent(Float.self, forKey: .gradClip) ?? gradClip
        clipLow = try c.decodeIfPresent(Double.self, forKey: .clipLow)
        clipHigh = try c.decodeIfPresent(Double.self, forKey: .clipHigh)
        if c.contains(.dualClip) { dualClip = try c.decodeIfPresent(Double.self, forKey: .dualClip) }
        entropyAdvantage = try c.decodeIfPresent(Bool.self, forKey: .entropyAdvantage)
        entropyAdvantageWeight = try c.decodeIfPresent(Double.self, forKey: .entropyAdvantageWeight) ?? entropyAdvantageWeight
        adamw = try c.decodeIfPresent(AdamWConfig.self, forKey: .adamw) ?? adamw
        data = try c.decodeIfPresent(SynthSuiteConfig.self, forKey: .data) ?? data
        warmStartSteps = try c.decodeIfPresent(Int.self, forKey: .warmStartSteps) ?? warmStartSteps
        warmStart = try c.decodeIfPresent(SFTConfig.self, forKey: .warmStart) ?? warmStart
        try validate()
    }

    /// Decodes `json` as changes to `base` (see `SFTConfig.decode(_:over:)`).
    /// - Throws: `ConfigError` for unknown keys or bad values, `DecodingError` for malformed JSON.
    public static func decode(_ json: Data, over base: RLConfig) throws -> RLConfig {
        try ConfigOverlay.decode(json, over: base, type: "RL config")
    }
}
