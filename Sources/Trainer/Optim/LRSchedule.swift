import Foundation

/// Linear warmup then cosine decay, as a pure function of the step:
///
/// ```
/// step < warmup:           lr = max * (step + 1) / warmup
/// warmup <= step < total:  lr = min + (max - min) * 0.5 * (1 + cos(pi * (step - warmup) / (total - warmup)))
/// step >= total:           lr = min
/// ```
/// JSON keys: `max_lr`, `min_lr`, `warmup_steps`, `total_steps`.
public struct LRSchedule: Codable, Sendable, Equatable {
    /// Peak learning rate, reached at the end of warmup.  Default 3e-4.
    public var maxLearningRate: Float
    /// Floor reached at `totalSteps`.  Default 3e-5.
    public var minLearningRate: Float
    /// Steps of linear warmup (0 = none).  Default 0.
    public var warmupSteps: Int
    /// Steps until the cosine reaches `minLearningRate`.  Default 1000.
    public var totalSteps: Int

    /// Creates a schedule.
    public init(maxLearningRate: Float = 3e-4, minLearningRate: Float = 3e-5, warmupSteps: Int = 0, totalSteps: Int = 1000) {
        self.maxLearningRate = maxLearningRate
        self.minLearningRate = minLearningRate
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    /// The learning rate at `step` (0-based).
    /// - Parameter step: the optimiser step, starting at 0.
    public func learningRate(at step: Int) -> Float {
        if step < warmupSteps {
            return maxLearningRate * Float(step + 1) / Float(warmupSteps)
        }
        if step >= totalSteps { return minLearningRate }
        let ratio = Double(step - warmupSteps) / Double(totalSteps - warmupSteps)
        let coefficient = 0.5 * (1 + cos(Double.pi * ratio))
        return minLearningRate + Float(coefficient) * (maxLearningRate - minLearningRate)
    }

    /// Checks the rates are finite, `0 <= min <= max`, and the step counts are valid.
    public func validate() throws(ConfigError) {
        guard minLearningRate.isFinite, maxLearningRate.isFinite, minLearningRate >= 0,
              minLearningRate <= maxLearningRate else {
            throw .invalid("learning rates need 0 <= min_lr <= max_lr, got \(minLearningRate), \(maxLearningRate)")
        }
        guard warmupSteps >= 0, totalSteps >= 1, warmupSteps <= totalSteps else {
            throw .invalid("need 0 <= warmup_steps <= total_steps and total_steps >= 1")
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxLearningRate = "max_lr"
        case minLearningRate = "min_lr"
        case warmupSteps = "warmup_steps"
        case totalSteps = "total_steps"
    }

    /// Decodes, rejecting unknown keys and invalid values.
    public init(from decoder: any Decoder) throws {
        try ConfigError.rejectUnknownKeys(in: decoder, valid: CodingKeys.allCases.map(\.rawValue), type: "LR schedule")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = LRSchedule()
        self.init(
            maxLearningRate: try c.decodeIfPresent(Float.self, forKey: .maxLearningRate) ?? d.maxLearningRate,
            minLearningRate: try c.decodeIfPresent(Float.self, forKey: .minLearningRate) ?? d.minLearningRate,
            warmupSteps: try c.decodeIfPresent(Int.self, forKey: .warmupSteps) ?? d.warmupSteps,
            totalSteps: try c.decodeIfPresent(Int.self, forKey: .totalSteps) ?? d.totalSteps)
        try validate()
    }
}
