import Foundation

/// Settings of a supervised warm start. JSON with snake_case keys; missing
/// keys take the defaults, unknown keys are refused (at every level):
///
/// ```json
/// {"model": {"context_length": 256}, "batch_size": 16, "max_lr": 1e-3,
///  "min_lr": 1e-4, "warmup_steps": 30, "grad_clip": 1.0,
///  "adamw": {"weight_decay": 0.1}, "data": {"data_seed": 0}}
/// ```
public struct SFTConfig: Codable, Sendable, Equatable {
    /// The model trained from scratch.  Default: the reference config
    /// (V 512, C 256, 4 layers, 4 heads, context 256).
    public var model: GPTConfig
    /// Sequences per step (B); each is one expert trajectory padded to the context (T).  Default 16.
    public var batchSize: Int
    /// Peak learning rate (after warmup), then cosine decay to `minLR` at the last step.  Default 1e-3.
    public var maxLR: Float
    /// Final learning rate.  Default 1e-4.
    public var minLR: Float
    /// Linear warmup steps (capped at the run's steps).  Default 30.
    public var warmupSteps: Int
    /// Global gradient-norm clip.  Default 1.
    public var gradClip: Float
    /// AdamW moments and weight decay.  Default betas (0.9, 0.95), weight decay 0.1.
    /// A given `adamw` object replaces this default whole: its missing keys
    /// take `AdamWConfig`'s own defaults (beta2 0.999, weight decay 0.01).
    public var adamw: AdamWConfig
    /// The synthetic suite (seed and split sizes).  Default `SynthSuiteConfig()`.
    public var data: SynthSuiteConfig

    /// Creates a configuration.
    public init(
        model: GPTConfig = .reference, batchSize: Int = 16, maxLR: Float = 1e-3, minLR: Float = 1e-4,
        warmupSteps: Int = 30, gradClip: Float = 1,
        adamw: AdamWConfig = AdamWConfig(beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1),
        data: SynthSuiteConfig = SynthSuiteConfig()
    ) {
        self.model = model
        self.batchSize = batchSize
        self.maxLR = maxLR
        self.minLR = minLR
        self.warmupSteps = warmupSteps
        self.gradClip = gradClip
        self.adamw = adamw
        self.data = data
    }

    /// The defaults for a task, the settings measured to learn the suites on
    /// one core: the reference model narrowed to width 128 (about 0.9M
    /// parameters), with a context that holds the task's longest expert
    /// trajectory (synth-arith 192 tokens, synth-hop 576), peak learning rate
    /// 2e-3 decaying to 2e-4 after 50 warmup steps.
    public static func defaults(for task: SynthTask) -> SFTConfig {
        var config = SFTConfig(maxLR: 2e-3, minLR: 2e-4, warmupSteps: 50)
        config.model.modelDimension = 128
        config.model.contextLength = task == .arith ? 192 : 576
        return config
    }

    /// The learning-rate schedule of a run of `steps` steps.
    public func schedule(steps: Int) -> LRSchedule {
        let total = max(1, steps)
        return LRSchedule(
            maxLearningRate: maxLR, minLearningRate: minLR, warmupSteps: min(warmupSteps, total), totalSteps: total)
    }

    /// Checks every field.
    public func validate() throws(ConfigError) {
        try model.validate()
        try adamw.validate()
        guard (1...4096).contains(batchSize) else { throw .invalid("batch_size must be in 1...4096") }
        guard warmupSteps >= 0 else { throw .invalid("warmup_steps must be >= 0") }
        guard gradClip > 0, gradClip.isFinite else { throw .invalid("grad_clip must be finite and > 0") }
        try schedule(steps: max(1, warmupSteps)).validate()
        guard model.vocabSize >= ByteTokenizer.assignedCount else {
            throw .invalid("model vocab_size must be at least \(ByteTokenizer.assignedCount) for the byte tokenizer")
        }
        do { try data.validate() } catch { throw .invalid(error.description) }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case model
        case batchSize = "batch_size"
        case maxLR = "max_lr"
        case minLR = "min_lr"
        case warmupSteps = "warmup_steps"
        case gradClip = "grad_clip"
        case adamw, data
    }

    /// Decodes, rejecting unknown keys and invalid values.
    public init(from decoder: any Decoder) throws {
        try ConfigError.rejectUnknownKeys(in: decoder, valid: CodingKeys.allCases.map(\.rawValue), type: "SFT config")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SFTConfig()
        self.init(
            model: try c.decodeIfPresent(GPTConfig.self, forKey: .model) ?? d.model,
            batchSize: try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize,
            maxLR: try c.decodeIfPresent(Float.self, forKey: .maxLR) ?? d.maxLR,
            minLR: try c.decodeIfPresent(Float.self, forKey: .minLR) ?? d.minLR,
            warmupSteps: try c.decodeIfPresent(Int.self, forKey: .warmupSteps) ?? d.warmupSteps,
            gradClip: try c.decodeIfPresent(Float.self, forKey: .gradClip) ?? d.gradClip,
            adamw: try c.decodeIfPresent(AdamWConfig.self, forKey: .adamw) ?? d.adamw,
            data: try c.decodeIfPresent(SynthSuiteConfig.self, forKey: .data) ?? d.data)
        try validate()
    }
}

extension SFTConfig {
    /// Decodes `json` as changes to `base`: keys present in the JSON object
    /// replace `base`'s (nested objects are merged key by key), the rest keep
    /// `base`'s values; unknown keys and invalid values are refused.
    /// - Parameters:
    ///   - json: a JSON object.
    ///   - base: the configuration it modifies (e.g. `defaults(for:)`).
    /// - Throws: `ConfigError` for unknown keys or bad values, `DecodingError` for malformed JSON.
    public static func decode(_ json: Data, over base: SFTConfig) throws -> SFTConfig {
        try ConfigOverlay.decode(json, over: base, type: "SFT config")
    }
}
