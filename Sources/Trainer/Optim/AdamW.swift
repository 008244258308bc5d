import Foundation

/// AdamW (Loshchilov & Hutter) with decoupled weight decay, as PyTorch's
/// `torch.optim.AdamW` and llm.c's `gpt2_update`:
///
/// ```
/// m = beta1 m + (1 - beta1) g          v = beta2 v + (1 - beta2) g^2
/// m^ = m / (1 - beta1^t)               v^ = v / (1 - beta2^t)
/// p -= lr * (m^ / (sqrt(v^) + eps) + wd * p)     (wd = 0 where spec.decay is false)
/// ```
public final class AdamW {
    /// Hyper-parameters.
    public let config: AdamWConfig
    /// The parameter layout (decides which tensors decay).
    public let layout: ParameterLayout
    /// First moments, one per parameter.
    public let m: FloatBuffer
    /// Second moments, one per parameter.
    public let v: FloatBuffer
    /// Number of updates taken so far (t of the bias correction).
    public private(set) var stepCount = 0

    /// Creates the optimiser with zeroed moments.
    /// - Parameters:
    ///   - config: hyper-parameters.
    ///   - layout: layout of the parameters it will update.
    public init(config: AdamWConfig = AdamWConfig(), layout: ParameterLayout) {
        self.config = config
        self.layout = layout
        m = FloatBuffer(count: layout.count)
        v = FloatBuffer(count: layout.count)
    }

    /// Takes one step on `parameters` from `gradients`.
    /// - Parameters:
    ///   - parameters: the buffer to update (`layout.count` floats).
    ///   - gradients: its gradient (same layout).
    ///   - learningRate: lr for this step (from `LRSchedule`).
    public func update(parameters: FloatBuffer, gradients: FloatBuffer, learningRate: Float) {
        precondition(parameters.count == layout.count && gradients.count == layout.count,
                     "AdamW.update: buffers do not match the layout")
        stepCount += 1
        let b1 = config.beta1, b2 = config.beta2, eps = config.eps
        let correction1 = Float(1 - pow(Double(b1), Double(stepCount)))
        let correction2 = Float(1 - pow(Double(b2), Double(stepCount)))
        let p = parameters.pointer, g = gradients.pointer, m = m.pointer, v = v.pointer
        for spec in layout.specs {
            let wd = spec.decay ? config.weightDecay : 0
            for i in spec.offset..<(spec.offset + spec.count) {
                let grad = g[i]
                let mi = b1 * m[i] + (1 - b1) * grad
                let vi = b2 * v[i] + (1 - b2) * grad * grad
                m[i] = mi
                v[i] = vi
                let mHat = mi / correction1
                let vHat = vi / correction2
                p[i] -= learningRate * (mHat / (vHat.squareRoot() + eps) + wd * p[i])
            }
        }
    }

    /// The convenience form for a model: updates `model.parameters` from `model.gradients`.
    public func update(_ model: GPT, learningRate: Float) {
        update(parameters: model.parameters, gradients: model.gradients, learningRate: learningRate)
    }
}

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
