import Foundation

/// Advantage estimators for outcome rewards (one reward per rollout), as
/// pure functions.
public enum Advantages {
    /// Guards the division when a group's rewards barely differ.
    public static let epsilon = 1e-6

    /// GRPO: `A_i = (R_i - mean(R_g)) / (std(R_g) + eps)` within each group
    /// (the rollouts of one prompt), with the unbiased (n-1) standard
    /// deviation as verl uses; a single-rollout group gets 0.
    public static func groupNormalised(rewards: [Double], groups: [Int]) -> [Double] {
        var members: [Int: [Int]] = [:]
        for (index, group) in groups.enumerated() { members[group, default: []].append(index) }
        var advantages = [Double](repeating: 0, count: rewards.count)
        for indices in members.values where indices.count > 1 {
            let values = indices.map { rewards[$0] }
            let (mean, std) = meanAndStd(values, unbiased: true)
            for index in indices { advantages[index] = (rewards[index] - mean) / (std + epsilon) }
        }
        return advantages
    }

    /// The groups whose rewards are not all equal; DAPO trains only on those.
    public static func informativeGroups(rewards: [Double], groups: [Int]) -> Set<Int> {
        var seen: [Int: (min: Double, max: Double)] = [:]
        for (reward, group) in zip(rewards, groups) {
            let current = seen[group] ?? (reward, reward)
            seen[group] = (min(current.min, reward), max(current.max, reward))
        }
        return Set(seen.filter { $0.value.max > $0.value.min }.keys)
    }

    /// REINFORCE++: every valid token's return is its rollout's reward
    /// (gamma = 1, no critic), whitened over all valid tokens of the batch:
    /// `(R - mean) / (std + eps)` with the biased standard deviation, as
    /// verl's `masked_whiten`.
    public static func batchNormalised(tokenRewards: [Double], mask: [Bool]) -> [Double] {
        let valid = zip(tokenRewards, mask).filter(\.1).map(\.0)
        guard valid.count > 1 else { return [Double](repeating: 0, count: tokenRewards.count) }
        let (mean, std) = meanAndStd(valid, unbiased: false)
        return zip(tokenRewards, mask).map { $1 ? ($0 - mean) / (std + epsilon) : 0 }
    }

    /// AEPO's entropy-aware advantage: `A_t = A_acc * (1 + a * A_dH_t)` with
    /// `A_dH_t = (H_t - mean(H)) / std(H)` over the batch's valid tokens.
    /// The entropies are constants here (detached), as in the paper.
    public static func entropyAware(
        advantages: [Double], entropies: [Double], mask: [Bool], weight: Double
    ) -> [Double] {
        let valid = zip(entropies, mask).filter(\.1).map(\.0)
        guard valid.count > 1 else { return advantages }
        let (mean, std) = meanAndStd(valid, unbiased: false)
        return advantages.indices.map { t in
            guard mask[t] else { return 0 }
            return advantages[t] * (1 + weight * (entropies[t] - mean) / (std + epsilon))
        }
    }

    static func meanAndStd(_ values: [Double], unbiased: Bool) -> (mean: Double, std: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let divisor = Double(unbiased ? values.count - 1 : values.count)
        return (mean, (squares / divisor).squareRoot())
    }
}
