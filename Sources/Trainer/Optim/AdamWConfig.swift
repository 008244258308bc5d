/// AdamW hyper-parameters (the learning rate comes from `LRSchedule`).
/// JSON keys: `beta1`, `beta2`, `eps`, `weight_decay`; missing keys take the
/// defaults, unknown keys are refused.
public struct AdamWConfig: Codable, Sendable, Equatable {
    /// First-moment decay.  Default 0.9.
    public var beta1: Float
    /// Second-moment decay.  Default 0.999.
    public var beta2: Float
    /// Denominator epsilon.  Default 1e-8.
    public var eps: Float
    /// Decoupled weight decay, applied only to tensors whose `ParameterSpec.decay`
    /// is true (matrices and embeddings, not LayerNorm gains or biases).  Default 0.01.
    public var weightDecay: Float

    /// Creates a configuration (defaults as PyTorch `AdamW`).
    public init(beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0.01) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
    }

    /// Checks the betas are in [0, 1) and eps, weight decay are non-negative.
    public func validate() throws(ConfigError) {
        guard (0..<1).contains(beta1), (0..<1).contains(beta2) else {
            throw .invalid("AdamW betas must be in [0, 1), got \(beta1), \(beta2)")
        }
        guard eps >= 0, weightDecay >= 0, eps.isFinite, weightDecay.isFinite else {
            throw .invalid("AdamW eps and weight_decay must be finite and >= 0")
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case beta1, beta2, eps
        case weightDecay = "weight_decay"
    }

    /// Decodes, rejecting unknown keys and invalid values.
    public init(from decoder: any Decoder) throws {
        try ConfigError.rejectUnknownKeys(in: decoder, valid: CodingKeys.allCases.map(\.rawValue), type: "AdamW config")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AdamWConfig()
        self.init(
            beta1: try c.decodeIfPresent(Float.self, forKey: .beta1) ?? d.beta1,
            beta2: try c.decodeIfPresent(Float.self, forKey: .beta2) ?? d.beta2,
            eps: try c.decodeIfPresent(Float.self, forKey: .eps) ?? d.eps,
            weightDecay: try c.decodeIfPresent(Float.self, forKey: .weightDecay) ?? d.weightDecay)
        try validate()
    }
}
