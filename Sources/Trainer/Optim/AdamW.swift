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
