import ServerCore

/// The charts of a training job's page and the verl metric keys each draws
/// (AEPO.md section 5).
enum TrainingCharts {
    /// One chart: its element id, title and series keys.
    struct Definition: Sendable, Equatable {
        var id: String
        var title: String
        var keys: [String]
        /// Drawn only once a point exists (SFT loss: RL jobs never log it).
        var onlyWithData = false
    }

    static let all: [Definition] = [
        Definition(id: "chart-reward", title: "Reward", keys: ["critic/score/mean"]),
        Definition(id: "chart-loss", title: "SFT loss", keys: ["train/loss"], onlyWithData: true),
        Definition(id: "chart-entropy", title: "Policy entropy", keys: ["actor/entropy"]),
        Definition(id: "chart-clipfrac", title: "Clip fractions", keys: ["actor/pg_clipfrac", "actor/pg_clipfrac_lower"]),
        Definition(id: "chart-response-length", title: "Response length", keys: ["response_length/mean"]),
        Definition(
            id: "chart-samples", title: "Global vs branch samples", keys: ["rollout/global_samples", "rollout/branch_samples"]),
    ]

    /// Every key some chart draws, in chart order.
    static var keys: [String] { all.flatMap(\.keys) }
}
