import Foundation

/// How rotary position embeddings are stretched beyond the pretraining
/// context: the `rope_scaling` object of released checkpoints, or
/// `rope_parameters` in transformers 5 (`rope_type`, or the older `type`).
/// The frequencies themselves are computed by `RotaryFrequencies`.
public enum RopeScaling: Sendable, Equatable {
    /// Plain RoPE.
    case none
    /// Positions divided by `factor` (every frequency divided by it).
    case linear(factor: Double)
    /// NTK-aware: the base grows with the sequence once it passes
    /// `max_position_embeddings` (recomputed per forward pass).
    case dynamic(factor: Double)
    /// Llama 3.1: low frequencies divided by `factor`, high ones kept, a
    /// smooth ramp between, by wavelength against the original context.
    case llama3(factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double, originalContext: Int)
    /// YaRN: a per-dimension blend of interpolated and extrapolated
    /// frequencies, and cos/sin multiplied by `attentionFactor`.
    case yarn(Yarn)

    /// YaRN's parameters, defaults already applied.
    public struct Yarn: Sendable, Equatable {
        /// Context extension factor.
        public var factor: Double
        /// Pretraining context.
        public var originalContext: Int
        /// Rotations bounding the extrapolated dimensions (default 32).
        public var betaFast: Double
        /// Rotations bounding the interpolated dimensions (default 1).
        public var betaSlow: Double
        /// Multiplier of cos and sin (from `attention_factor`, else from `factor`, `mscale`, `mscale_all_dim`).
        public var attentionFactor: Double
        /// Whether the correction range is rounded outwards to whole dimensions (default true).
        public var truncate: Bool
    }

    /// The `rope_type` name.
    public var typeName: String {
        switch self {
        case .none: "default"
        case .linear: "linear"
        case .dynamic: "dynamic"
        case .llama3: "llama3"
        case .yarn: "yarn"
        }
    }
}

extension RopeScaling {
    /// Reads the scaling object (nil: plain RoPE).
    /// - Parameters:
    ///   - reader: `rope_scaling` or `rope_parameters`.
    ///   - maxPositions: `max_position_embeddings`.
    ///   - topLevelOriginal: a top-level `original_max_position_embeddings`,
    ///     which transformers prefers to the one inside the object.
    static func parse(
        _ reader: JSONObjectReader?, maxPositions: Int, topLevelOriginal: Int?
    ) throws(HFConfigError) -> RopeScaling {
        guard let reader else { return .none }
        let typeKey = reader.has("rope_type") ? "rope_type" : "type"
        let type = try reader.string(typeKey) ?? "default"
        func factor() throws(HFConfigError) -> Double {
            guard let value = try reader.double("factor") else { throw .missingField(reader.name("factor")) }
            guard value >= 1 else { throw .invalidField(reader.name("factor"), reason: "must be >= 1, not \(value)") }
            return value
        }
        func original() throws(HFConfigError) -> Int {
            let nested = try reader.int("original_max_position_embeddings")
            let value = topLevelOriginal ?? nested ?? maxPositions
            guard value >= 1 else { throw .invalidField(reader.name("original_max_position_embeddings"), reason: "must be >= 1") }
            return value
        }
        switch type {
        case "default": return .none
        case "linear": return .linear(factor: try factor())
        case "dynamic": return .dynamic(factor: try factor())
        case "llama3":
            guard let low = try reader.double("low_freq_factor") else { throw .missingField(reader.name("low_freq_factor")) }
            guard let high = try reader.double("high_freq_factor") else { throw .missingField(reader.name("high_freq_factor")) }
            guard high > low else {
                throw .invalidField(reader.name("high_freq_factor"), reason: "must be greater than low_freq_factor")
            }
            return .llama3(factor: try factor(), lowFrequencyFactor: low, highFrequencyFactor: high, originalContext: try original())
        case "yarn":
            let originalContext = try original()
            let f = try reader.double("factor") ?? Double(maxPositions) / Double(originalContext)
            let attention: Double
            if let given = try reader.double("attention_factor") {
                attention = given
            } else if let mscale = try reader.double("mscale"), let all = try reader.double("mscale_all_dim"), mscale != 0, all != 0 {
                attention = Self.yarnMscale(f, mscale) / Self.yarnMscale(f, all)
            } else {
                attention = Self.yarnMscale(f, 1)
            }
            // transformers reads these with `or`: 0 and null both mean the default
            let betaFast = try reader.double("beta_fast").flatMap { $0 == 0 ? nil : $0 } ?? 32
            let betaSlow = try reader.double("beta_slow").flatMap { $0 == 0 ? nil : $0 } ?? 1
            return .yarn(Yarn(
                factor: f, originalContext: originalContext, betaFast: betaFast, betaSlow: betaSlow,
                attentionFactor: attention, truncate: try reader.bool("truncate") ?? true))
        default:
            throw .unsupportedFeature(
                reader.name(typeKey), reason: "RoPE type \"\(type)\" is not supported (default, linear, dynamic, llama3, yarn)")
        }
    }

    /// YaRN's `0.1 * mscale * ln(scale) + 1` (1 when scale <= 1).
    static func yarnMscale(_ scale: Double, _ mscale: Double) -> Double {
        scale <= 1 ? 1 : 0.1 * mscale * log(scale) + 1
    }
}
