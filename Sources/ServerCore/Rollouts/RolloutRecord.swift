/// One line of `aepo rollout`'s output: a group (one question and its k
/// rollouts) with what the rollout engine measured for it (AEPO.md
/// section 1). Keys are snake_case; optional fields are left out when absent.
package struct RolloutRecord: Codable, Sendable, Equatable {
    /// One rollout of the group.
    package struct Sample: Codable, Sendable, Equatable {
        /// Its index within the group (order of creation).
        package var index: Int
        /// `global` (a fresh sample of the question) or `branch`.
        package var origin: String
        /// For a branch: the rollout it was copied from.
        package var parent: Int?
        /// For a branch: the segments (model turns and tool results) it shares with its parent.
        package var branchSegments: Int?
        /// For a branch: the length of the start of `text` it shares with its
        /// parent, in Unicode code points (the branch point, right after a
        /// tool result).
        package var branchOffset: Int?
        /// The trajectory: generated text and tool results, without the prompt.
        package var text: String
        /// Why it ended (`answered`, `length`, `no_answer`, ...).
        package var finishReason: String
        /// The extracted final answer, if any.
        package var prediction: String?
        /// The benchmark scorer's score (token F1 for QA sets, 1 or 0 otherwise).
        package var reward: Double
        /// Whether the scorer calls it correct.
        package var correct: Bool
        /// The scorer's rule.
        package var metric: String
        /// The training reward of AEPO.md section 4 (`AgenticReward`): -1 for a bad format.
        package var agenticReward: Double
        package var modelCalls: Int
        package var searchCalls: Int
        package var pythonCalls: Int
        /// Tokens the model generated in this rollout, the shared prefix of a branch included.
        package var tokens: Int
        /// Mean normalised entropy of those tokens.
        package var meanEntropy: Double?

        enum CodingKeys: String, CodingKey {
            case index, origin, parent
            case branchSegments = "branch_segments"
            case branchOffset = "branch_offset"
            case text
            case finishReason = "finish_reason"
            case prediction, reward, correct, metric
            case agenticReward = "agentic_reward"
            case modelCalls = "model_calls"
            case searchCalls = "search_calls"
            case pythonCalls = "python_calls"
            case tokens
            case meanEntropy = "mean_entropy"
        }
    }

    /// The group's index in the run (the question's position).
    package var group: Int
    package var benchmark: String
    package var itemID: String
    package var question: String
    /// The gold answers.
    package var answers: [String]
    /// The framed prompt every rollout of the group continues.
    package var prompt: String
    /// k: rollouts in the group.
    package var k: Int
    /// m: the global budget (k for group sampling; AEPO's from pre-monitoring).
    package var m: Int
    package var globalSamples: Int
    package var branchSamples: Int
    /// Branch decisions taken after tool results.
    package var branchDecisions: Int
    /// Decisions the consecutive-branch penalty turned from yes to no.
    package var penaltyHits: Int
    /// H_root: mean normalised entropy of the first tokens answering the bare question.
    package var hRoot: Double
    /// H_tool_avg: mean normalised entropy of the first tokens after each tool result.
    package var hToolAvg: Double
    /// The rollouts, by index.
    package var rollouts: [Sample]

    enum CodingKeys: String, CodingKey {
        case group, benchmark
        case itemID = "item_id"
        case question, answers, prompt, k, m
        case globalSamples = "global_samples"
        case branchSamples = "branch_samples"
        case branchDecisions = "branch_decisions"
        case penaltyHits = "penalty_hits"
        case hRoot = "h_root"
        case hToolAvg = "h_tool_avg"
        case rollouts
    }
}
