import Benchmarks

/// One finished rollout of a group: an agent path and where it came from.
public struct Rollout: Sendable {
    /// How the rollout started.
    public enum Origin: Sendable, Equatable {
        /// A fresh sample from the bare question.
        case global
        /// A copy of rollout `parent` (same group) made after its tool
        /// result ending at segment `segments`: the two share that prefix.
        case branch(parent: Int, segments: Int)
    }

    /// The prompt's index in the batch.
    public var group: Int
    /// The rollout's index within its group (order of creation).
    public var index: Int
    /// How it started.
    public var origin: Origin
    /// The question asked.
    public var question: String
    /// The finished agent path (segments with per-token statistics).
    public var path: AgentPath

    /// Whether this is a branch sample.
    public var isBranch: Bool {
        if case .branch = origin { return true }
        return false
    }
}

/// What the rollout engine measured for one group (AEPO's `rollout/*` keys).
public struct RolloutGroupStatistics: Sendable, Equatable {
    /// Rollouts started from the bare question.
    public var globalSamples = 0
    /// Rollouts branched from another one.
    public var branchSamples = 0
    /// Branch decisions the consecutive-branch penalty turned from yes to no.
    public var penaltyHits = 0
    /// Branch decisions taken (after tool results).
    public var branchDecisions = 0
    /// H_root: mean normalised entropy of the first tokens answering the bare question.
    public var rootEntropy = 0.0
    /// H_tool_avg: mean normalised entropy of the first tokens after each tool result.
    public var toolEntropy = 0.0
    /// The global budget m the group was given (k for plain group sampling).
    public var globalBudget = 0
}

/// The rollouts of one training step, grouped by prompt.
public struct RolloutBatch: Sendable {
    /// Every rollout, ordered by group, then index.
    public var rollouts: [Rollout]
    /// Per group, the rollout statistics.
    public var groups: [RolloutGroupStatistics]
}
