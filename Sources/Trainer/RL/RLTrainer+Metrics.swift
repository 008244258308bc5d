import Benchmarks

extension RLTrainer {
    /// The step's metrics under verl's keys (AEPO.md section 5), plus
    /// `critic/accuracy` (share of rollouts whose boxed answer has F1 1),
    /// `critic/format_ok`, rollout counts and timings. Every value is finite.
    func metrics(
        batch: RolloutBatch, scored: [AgenticReward.Breakdown], sequences: [PolicySequence], layout: TokenLayout,
        advantages: [[Double]], oldEntropies: [[Double]], update: UpdateMetrics, seconds: Double,
        rolloutSeconds: Double
    ) -> [String: Double] {
        let rollouts = batch.rollouts
        let n = Double(max(1, rollouts.count)), g = Double(max(1, batch.groups.count))
        var validAdvantages: [Double] = [], validEntropies: [Double] = []
        for row in layout.mask.indices {
            for t in 0..<layout.T where layout.mask[row][t] {
                validAdvantages.append(advantages[row][t])
                validEntropies.append(oldEntropies[row][t])
            }
        }
        let rewards = scored.map(\.reward)
        let totalTokens = sequences.reduce(0) { $0 + $1.tokens.count }
        var data: [String: Double] = [
            "critic/score/mean": mean(rewards),
            "critic/score/max": rewards.max() ?? 0,
            "critic/score/min": rewards.min() ?? 0,
            "critic/rewards/mean": mean(rewards),
            "critic/accuracy": Double(scored.count { $0.formatProblem == nil && $0.f1 >= 1 }) / n,
            "critic/format_ok": Double(scored.count { $0.formatProblem == nil }) / n,
            "critic/advantages/mean": mean(validAdvantages),
            "critic/advantages/max": validAdvantages.max() ?? 0,
            "critic/advantages/min": validAdvantages.min() ?? 0,
            "actor/pg_loss": update.loss,
            "actor/entropy": mean(validEntropies),
            "actor/pg_clipfrac": update.clipFraction,
            "actor/pg_clipfrac_lower": update.clipFractionLower,
            "actor/ppo_kl": update.kl,
            "actor/grad_norm": update.gradNorm,
            "actor/lr": update.learningRate,
            "actor/updates": Double(update.updates),
            "actor/trained_tokens": Double(layout.validTokens),
            "response_length/mean": mean(sequences.map { Double($0.responseLength) }),
            "response_length/max": Double(sequences.map(\.responseLength).max() ?? 0),
            "num_turns/mean": mean(rollouts.map { Double($0.path.modelCalls) }),
            "tool_call_counts/mean": mean(rollouts.map { Double($0.path.searchCalls + $0.path.pythonCalls) }),
            "timing_s/step": seconds,
            "timing_s/gen": rolloutSeconds,
            "perf/throughput": Double(totalTokens) / max(seconds, 1e-9),
            "rollout/global_samples": Double(batch.groups.reduce(0) { $0 + $1.globalSamples }) / g,
            "rollout/branch_samples": Double(batch.groups.reduce(0) { $0 + $1.branchSamples }) / g,
            "rollout/branch_penalty_hits": Double(batch.groups.reduce(0) { $0 + $1.penaltyHits }),
            "rollout/branch_decisions": Double(batch.groups.reduce(0) { $0 + $1.branchDecisions }),
            "rollout/global_budget": Double(batch.groups.reduce(0) { $0 + $1.globalBudget }) / g,
            "rollout/h_root": batch.groups.reduce(0) { $0 + $1.rootEntropy } / g,
            "rollout/h_tool_avg": batch.groups.reduce(0) { $0 + $1.toolEntropy } / g,
            "rollout/answered": Double(rollouts.count { $0.path.finishReason == .answered }) / n,
            "rollout/distinct_answers": distinctAnswersPerGroup(batch),
        ]
        if algorithm.dropsUniformGroups {
            let kept = Set(rollouts.indices.filter { layout.mask[$0].contains(true) }.map { rollouts[$0].group })
            data["rollout/dropped_groups"] = Double(batch.groups.count - kept.count)
        }
        return data
    }

    /// Mean number of distinct final answers per group: the rollout diversity.
    private func distinctAnswersPerGroup(_ batch: RolloutBatch) -> Double {
        var answers: [Int: Set<String>] = [:]
        for rollout in batch.rollouts {
            answers[rollout.group, default: []].insert(rollout.path.run().prediction ?? "")
        }
        return mean(answers.values.map { Double($0.count) })
    }

    private func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}
