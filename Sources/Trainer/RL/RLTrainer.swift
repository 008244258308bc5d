import Benchmarks
import Foundation

/// Policy optimisation of the built-in model on a synthetic suite with one
/// of the eight algorithms of AEPO.md (section 3), in verl's shape:
///
/// 1. roll out `promptsPerStep` training questions, k rollouts each, with
///    the algorithm's rollout mode (`RolloutEngine`);
/// 2. reward each rollout (`AgenticReward`, AEPO.md section 4) and compute
///    advantages (group- or batch-normalised; DAPO drops groups whose
///    rewards are all equal; AEPO's entropy-aware advantage when enabled);
/// 3. recompute the log-probabilities of the sampled tokens with the
///    current weights: the old policy pi_old of the ratios;
/// 4. `epochs` passes of `miniBatches` optimiser steps over the batch, each
///    the algorithm's clipped loss (`PolicyLoss`), token-mean aggregated,
///    backpropagated through the model, clipped and applied by AdamW.
///
/// Every random choice draws from streams of `seed`, and rollouts advance in
/// lockstep batches, so a run is reproducible at a fixed BLAS thread count.
public final class RLTrainer {
    /// The settings.
    public let config: RLConfig
    /// The algorithm.
    public let algorithm: PolicyAlgorithm
    /// The policy being trained.
    public let model: GPT
    /// Its tokenizer.
    public let tokenizer: ByteTokenizer
    /// The suite the prompts come from.
    public let suite: SynthSuite
    /// RL steps taken so far.
    public private(set) var step = 0
    let seed: UInt64
    let engine: RolloutEngine
    let optimizer: AdamW
    /// log |V|: entropies are reported divided by it.
    let logVocabulary: Double

    /// Prepares a run.
    /// - Parameters:
    ///   - config: the settings (validated).
    ///   - algorithm: the algorithm.
    ///   - model: the policy (trained in place), e.g. a loaded SFT checkpoint's model.
    ///   - suite: the suite whose training split gives the prompts.
    ///   - python: the python runner of the tools (e.g. `BubblewrapPython()`), or nil.
    ///   - seed: the seed of prompts, rollouts and minibatch order.
    /// - Throws: `RLError.config`.
    public init(
        config: RLConfig, algorithm: PolicyAlgorithm, model: GPT, suite: SynthSuite, python: (any PythonRunner)?,
        seed: UInt64
    ) throws(RLError) {
        do { try config.validate() } catch { throw .config(error) }
        do {
            tokenizer = try ByteTokenizer(vocabSize: model.config.vocabSize)
        } catch {
            throw .config(.invalid(error.description))
        }
        self.config = config
        self.algorithm = algorithm
        self.model = model
        self.suite = suite
        self.seed = seed
        logVocabulary = log(Double(model.config.vocabSize))
        var sampling = SamplingParameters(temperature: config.temperature, topP: 1, topK: -1, repetitionPenalty: 1)
        sampling.maxTokens = config.maxTokensPerCall
        let lockstep = LockstepModel(model: model, tokenizer: tokenizer)
        engine = RolloutEngine(
            model: lockstep, loop: suite.agentLoop(model: lockstep, python: python, sampling: sampling),
            config: config.rollout, mode: algorithm.rolloutMode)
        optimizer = AdamW(config: config.adamw, layout: model.layout)
    }

    /// One RL step: rollouts, rewards, advantages, `epochs * miniBatches` optimiser steps.
    /// - Returns: the verl metrics of AEPO.md section 5 (and a few more), all finite.
    /// - Throws: `RLError`, or `CancellationError` when the task is cancelled.
    public func trainStep() async throws -> MetricsLine {
        let clock = ContinuousClock()
        let start = clock.now
        var rng = Xoshiro256(seed: seed, stream: 0x5EED_0000 | UInt64(step))
        let train = suite.train
        let picked = (0..<config.promptsPerStep).map { _ in train[Int(rng.next() % UInt64(train.count))] }
        let batch: RolloutBatch
        do {
            batch = try await engine.rollout(questions: picked.map(\.item.question), seed: rng.next())
        } catch AgentError.cancelled {
            throw CancellationError()
        } catch let error as EngineError {
            throw RLError.model(error.description)
        }
        let rolloutSeconds = start.duration(to: clock.now).seconds
        let scored = batch.rollouts.map { rollout in
            AgenticReward.score(trajectory: rollout.path.trajectory, golds: picked[rollout.group].item.answers)
        }
        let sequences = batch.rollouts.map {
            PolicySequence(
                prompt: SynthAgent.prompt(question: $0.question), segments: $0.path.segments, tokenizer: tokenizer,
                contextLength: model.config.contextLength)
        }
        let rewards = scored.map(\.reward)
        let groups = batch.rollouts.map(\.group)
        var kept = Set(groups)
        if algorithm.dropsUniformGroups { kept = Advantages.informativeGroups(rewards: rewards, groups: groups) }
        let layout = TokenLayout(sequences: sequences, keep: groups.map { kept.contains($0) })
        let old = try evaluatePolicy(layout, rows: Array(sequences.indices))
        let advantages = tokenAdvantages(layout, rewards: rewards, groups: groups, entropies: old.entropies)
        step += 1
        let update = try optimise(layout, oldLogProbs: old.logProbs, advantages: advantages, rng: &rng)
        let seconds = start.duration(to: clock.now).seconds
        return MetricsLine(
            step: step,
            data: metrics(
                batch: batch, scored: scored, sequences: sequences, layout: layout, advantages: advantages,
                oldEntropies: old.entropies, update: update, seconds: seconds, rolloutSeconds: rolloutSeconds))
    }
}
