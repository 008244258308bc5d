import Benchmarks
import Foundation

extension RLTrainer {
    /// Per row and position: log-probability of the target and the
    /// normalised entropy (H / log V) under the current weights.
    struct PolicyEvaluation {
        var logProbs: [[Double]]
        var entropies: [[Double]]
    }

    /// Forward passes (no gradient) over `rows`, in chunks of a minibatch.
    func evaluatePolicy(_ layout: TokenLayout, rows: [Int]) throws(RLError) -> PolicyEvaluation {
        var logProbs = [[Double]](repeating: [], count: layout.inputs.count)
        var entropies = logProbs
        for chunk in chunks(rows) {
            let (lp, h) = try forward(layout, rows: chunk)
            for (j, row) in chunk.enumerated() {
                logProbs[row] = lp[(j * layout.T)..<((j + 1) * layout.T)].map(Double.init)
                entropies[row] = h[(j * layout.T)..<((j + 1) * layout.T)].map { Double($0) / logVocabulary }
            }
        }
        return PolicyEvaluation(logProbs: logProbs, entropies: entropies)
    }

    /// The forward pass of `rows` at the rollout temperature: flat
    /// (rows x T) target log-probabilities and entropies (nats).
    func forward(_ layout: TokenLayout, rows: [Int]) throws(RLError) -> (logProbs: [Float], entropies: [Float]) {
        do {
            try model.forward(
                tokens: rows.flatMap { layout.inputs[$0] }, targets: rows.flatMap { layout.targets[$0] }, B: rows.count,
                T: layout.T, temperature: Float(config.temperature))
        } catch {
            throw .model(error.description)
        }
        return (model.tokenLogProbs, model.tokenEntropies)
    }

    /// `rows` split into `miniBatches` nearly equal chunks, in order.
    func chunks(_ rows: [Int]) -> [[Int]] {
        let count = min(config.miniBatches, max(1, rows.count))
        return (0..<count).map { c in Array(rows[(c * rows.count / count)..<((c + 1) * rows.count / count)]) }
            .filter { !$0.isEmpty }
    }

    /// Per row and position, the advantage of each trained token (0 elsewhere).
    func tokenAdvantages(
        _ layout: TokenLayout, rewards: [Double], groups: [Int], entropies: [[Double]]
    ) -> [[Double]] {
        var flat: [Double]
        let mask = layout.mask.flatMap { $0 }
        switch algorithm.advantageEstimator {
        case .groupNormalised:
            let perRollout = Advantages.groupNormalised(rewards: rewards, groups: groups)
            flat = layout.mask.indices.flatMap { row in layout.mask[row].map { $0 ? perRollout[row] : 0 } }
        case .batchNormalised:
            let tokenRewards = layout.mask.indices.flatMap { row in
                [Double](repeating: rewards[row], count: layout.T)
            }
            flat = Advantages.batchNormalised(tokenRewards: tokenRewards, mask: mask)
        }
        if config.usesEntropyAdvantage(algorithm) {
            flat = Advantages.entropyAware(
                advantages: flat, entropies: entropies.flatMap { $0 }, mask: mask, weight: config.entropyAdvantageWeight)
        }
        return (0..<layout.mask.count).map { Array(flat[($0 * layout.T)..<(($0 + 1) * layout.T)]) }
    }

    /// What the optimiser steps of one RL step measured (means over them).
    struct UpdateMetrics {
        var loss = 0.0
        var clipFraction = 0.0
        var clipFractionLower = 0.0
        var kl = 0.0
        var gradNorm = 0.0
        var learningRate = 0.0
        var updates = 0
    }

    /// `epochs` shuffled passes of `miniBatches` optimiser steps.
    func optimise(
        _ layout: TokenLayout, oldLogProbs: [[Double]], advantages: [[Double]], rng: inout Xoshiro256
    ) throws(RLError) -> UpdateMetrics {
        var metrics = UpdateMetrics()
        let rows = layout.trainedRows
        guard !rows.isEmpty else { return metrics }
        let learningRate = currentLearningRate
        metrics.learningRate = Double(learningRate)
        let clip = config.clip(for: algorithm)
        for _ in 0..<config.epochs {
            var order = rows
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
            }
            for chunk in chunks(order) {
                let (logProbs, _) = try forward(layout, rows: chunk)
                let policyBatch = PolicyBatch(
                    logProbs: logProbs.map(Double.init), oldLogProbs: chunk.flatMap { oldLogProbs[$0] },
                    advantages: chunk.flatMap { advantages[$0] }, mask: chunk.flatMap { layout.mask[$0] },
                    sequence: chunk.indices.flatMap { [Int](repeating: $0, count: layout.T) })
                let result = PolicyLoss.compute(algorithm.clipping, batch: policyBatch, clip: clip)
                guard result.loss.isFinite else { throw .diverged(step: step, key: "actor/pg_loss") }
                model.zeroGradients()
                do {
                    try model.backward(dlogprob: result.gradient.map(Float.init))
                } catch {
                    throw .model(error.description)
                }
                let norm = GradientClipping.clip(model.gradients, maxNorm: config.gradClip)
                guard norm.isFinite else { throw .diverged(step: step, key: "actor/grad_norm") }
                optimizer.update(model, learningRate: learningRate)
                metrics.updates += 1
                metrics.loss += result.loss
                metrics.clipFraction += result.metrics["actor/pg_clipfrac"] ?? 0
                metrics.clipFractionLower += result.metrics["actor/pg_clipfrac_lower"] ?? 0
                metrics.kl += result.metrics["actor/ppo_kl"] ?? 0
                metrics.gradNorm += Double(norm)
            }
        }
        let n = Double(max(1, metrics.updates))
        metrics.loss /= n
        metrics.clipFraction /= n
        metrics.clipFractionLower /= n
        metrics.kl /= n
        metrics.gradNorm /= n
        return metrics
    }

    /// Linear warmup to `learningRate`, then constant.
    var currentLearningRate: Float {
        guard config.warmupSteps > 0, step <= config.warmupSteps else { return config.learningRate }
        return config.learningRate * Float(step) / Float(config.warmupSteps)
    }
}
