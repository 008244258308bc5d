import Foundation

/// The entropy rules of ARPO's and AEPO's rollouts (AEPO.md section 1) as
/// pure functions; the rollout engine feeds them measured entropies.
public enum EntropyBranching {
    /// AEPO's pre-monitoring split of the budget `k` into `m` global samples
    /// (the rest are branch budget), as the released code computes it:
    /// `m = clamp(floor(k * sigmoid(beta * (H_root - H_tool_avg))) + 1, 1, k)`.
    /// High question uncertainty -> more global samples; high tool
    /// uncertainty -> more branching.
    public static func globalSamples(groupSize k: Int, rootEntropy: Double, toolEntropy: Double, beta: Double) -> Int {
        let sigmoid = 1 / (1 + exp(-beta * (rootEntropy - toolEntropy)))
        return min(max(Int((Double(k) * sigmoid).rounded(.down)) + 1, 1), k)
    }

    /// The penalty for `l` consecutive branching steps: `Phat(l) = slope * l`.
    public static func penalty(consecutiveBranches l: Int, slope: Double) -> Double {
        slope * Double(l)
    }

    /// AEPO's branch probability after a tool call:
    /// `P = (alpha + gamma * dH) * (1 - Phat(l))`, clipped to [0, 1], where
    /// `dH` is the entropy after the tool call minus the path's first-segment
    /// entropy and alpha ~ U(0, 1) is drawn by the caller.
    public static func aepoProbability(alpha: Double, entropyChange dH: Double, gamma: Double, consecutiveBranches l: Int, slope: Double) -> Double {
        let p = (alpha + gamma * dH) * (1 - penalty(consecutiveBranches: l, slope: slope))
        return min(max(p, 0), 1)
    }

    /// ARPO's branch probability: `P = alpha + beta * dH`, clipped to [0, 1],
    /// with no consecutive-branch penalty.
    public static func arpoProbability(alpha: Double, entropyChange dH: Double, beta: Double) -> Double {
        min(max(alpha + beta * dH, 0), 1)
    }

    /// Whether to branch: `P >= tau`.
    public static func shouldBranch(probability: Double, threshold tau: Double) -> Bool {
        probability >= tau
    }
}
