/// The policy-optimisation algorithms of AEPO.md section 3, chosen by name.
/// Each is a clipping rule (``PolicyLoss``) plus an advantage estimator
/// (``Advantages``) plus a rollout mode; they share everything else.
public enum PolicyAlgorithm: String, CaseIterable, Codable, Sendable {
    case grpo
    case dapo
    case gspo
    case reinforcePlusPlus = "reinforce++"
    case gppo
    case cispo
    case arpo
    case aepo

    /// How the importance ratio is clipped and what gradient clipped tokens keep.
    public enum Clipping: String, Codable, Sendable {
        /// PPO: clipped tokens have no gradient.
        case ppo
        /// AEPO's EB clipping: high-side clipped tokens with A > 0 keep
        /// `(1+eps_h) * A * grad log pi`; the low side stays a hard clip.
        case entropyBalanced
        /// GPPO: like EB clipping on both bounds.
        case gradientPreserving
        /// GSPO: one length-normalised ratio per sequence, clipped per sequence.
        case sequence
        /// CISPO: `-sg(clip(r)) * A * log pi`: every token keeps a gradient.
        case clippedImportanceSampling
    }

    /// How advantages are computed from rewards.
    public enum AdvantageEstimator: String, Codable, Sendable {
        /// `(R - mean(group)) / std(group)` (GRPO).
        case groupNormalised
        /// Rewards whitened over the batch's valid tokens (REINFORCE++).
        case batchNormalised
    }

    /// How a group of rollouts is sampled.
    public enum RolloutMode: String, Codable, Sendable {
        /// k independent samples per prompt.
        case group
        /// ARPO: entropy-based branching after tool calls.
        case entropyBranching
        /// AEPO: entropy pre-monitoring plus branching with the consecutive-branch penalty.
        case entropyBalanced
    }

    public var clipping: Clipping {
        switch self {
        case .grpo, .dapo, .reinforcePlusPlus, .arpo: .ppo
        case .aepo: .entropyBalanced
        case .gppo: .gradientPreserving
        case .gspo: .sequence
        case .cispo: .clippedImportanceSampling
        }
    }

    public var advantageEstimator: AdvantageEstimator {
        self == .reinforcePlusPlus ? .batchNormalised : .groupNormalised
    }

    public var rolloutMode: RolloutMode {
        switch self {
        case .arpo: .entropyBranching
        case .aepo: .entropyBalanced
        default: .group
        }
    }

    /// DAPO drops groups whose rewards are all equal (they carry no signal).
    public var dropsUniformGroups: Bool { self == .dapo }

    /// AEPO's entropy-aware advantage is on by default; the others leave it off.
    public var entropyAwareAdvantageByDefault: Bool { self == .aepo }

    /// Clip bounds `(eps_low, eps_high)`: 0.2/0.2, DAPO's clip-higher
    /// 0.2/0.28, GSPO's sequence-level 3e-4/4e-4 (GSPO paper), CISPO's wide
    /// importance-sampling bound (no low clip, ratio capped at 5).
    public var defaultClipRange: (low: Double, high: Double) {
        switch self {
        case .dapo: (0.2, 0.28)
        case .gspo: (3e-4, 4e-4)
        case .cispo: (1.0, 4.0)
        default: (0.2, 0.2)
        }
    }

    /// Parses a name, failing with the list of valid ones.
    public static func named(_ name: String) throws(UnknownAlgorithmError) -> PolicyAlgorithm {
        guard let algorithm = PolicyAlgorithm(rawValue: name.lowercased()) else {
            throw UnknownAlgorithmError(name: name)
        }
        return algorithm
    }
}

/// An algorithm name that is not one of ``PolicyAlgorithm``.
public struct UnknownAlgorithmError: Error, Sendable, CustomStringConvertible {
    public let name: String
    public var description: String {
        "unknown algorithm \"\(name)\"; valid: \(PolicyAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))"
    }
}
