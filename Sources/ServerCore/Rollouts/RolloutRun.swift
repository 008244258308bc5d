import Benchmarks
import Foundation
import Logging
import Trainer

/// `aepo rollout` as a library call: roll out the first questions of a
/// benchmark with a checkpoint (a Hugging Face directory or an aepo-gpt
/// file) in one of the rollout engine's modes, score every rollout with the
/// benchmark's scorer, and write one `RolloutRecord` line per group.
///
/// The checkpoint runs on the built-in engine's model code in lockstep
/// batches (`LockstepModel`, `RolloutTarget`), with the benchmark's items
/// and tools as an evaluation sets them up (`RolloutBenchmark`). A turn that
/// ends on the token limit ends its rollout, as the trainer's rollouts do.
/// The batch is a pure function of the weights, the questions, the seed and
/// the rollout settings at a fixed thread count (unless a sample reaches its
/// wall-clock budget).
package struct RolloutRun: Sendable {
    /// What to roll out.
    package struct Options: Sendable {
        package var checkpoint: URL
        package var benchmark: String
        /// A server's data directory (datasets, search corpus); nil: the shipped sample sets.
        package var dataDirectory: URL?
        /// The first N items of the benchmark.
        package var questions: Int
        package var mode: PolicyAlgorithm.RolloutMode
        /// The constants of AEPO.md section 1; `groupSize` is k.
        package var rollout: RolloutConfig
        package var seed: UInt64
        /// The JSONL file written (created or truncated).
        package var output: URL
        /// Compute threads (nil: the checkpoint kind's default, see `RolloutTarget.load`).
        package var threads: Int?
        /// A Hugging Face model's products (`RolloutTarget.load`).
        package var activations: ActivationPrecision = .f32
        /// Most tokens per model call.
        package var maxTokens: Int
        /// Model calls per rollout.
        package var maxModelCalls: Int = AgentLimits().maxModelCalls
        /// Sampling settings that replace the checkpoint's defaults (nil: keep them).
        package var temperature: Double?
        package var topP: Double?
        /// -1: off.
        package var topK: Int?
        package var repetitionPenalty: Double?

        package init(
            checkpoint: URL, benchmark: String, dataDirectory: URL? = nil, questions: Int, mode: PolicyAlgorithm.RolloutMode,
            rollout: RolloutConfig, seed: UInt64, output: URL, threads: Int? = nil, maxTokens: Int
        ) {
            self.checkpoint = checkpoint
            self.benchmark = benchmark
            self.dataDirectory = dataDirectory
            self.questions = questions
            self.mode = mode
            self.rollout = rollout
            self.seed = seed
            self.output = output
            self.threads = threads
            self.maxTokens = maxTokens
        }
    }

    /// What a run produced.
    package struct Summary: Sendable, Equatable {
        package var groups: Int
        package var rollouts: Int
        /// Rollouts branched from another.
        package var branches: Int
        /// Mean scorer reward over the rollouts.
        package var meanReward: Double
        /// Tokens the model generated (a branch's shared prefix counted once).
        package var generatedTokens: Int
        /// Wall-clock seconds of the rollouts (loading and scoring excluded).
        package var seconds: Double

        package var tokensPerSecond: Double { seconds > 0 ? Double(generatedTokens) / seconds : 0 }
    }

    package let options: Options
    /// Receives one-line status messages.
    package let status: @Sendable (String) -> Void

    package init(options: Options, status: @escaping @Sendable (String) -> Void = { _ in }) {
        self.options = options
        self.status = status
    }

    /// Loads, rolls out, scores and writes.
    /// - Throws: `RolloutError`, `CatalogError` for an unknown benchmark,
    ///   the model's `EngineError`, `AgentError`, or a store error.
    package func run() async throws -> Summary {
        let target = try RolloutTarget.load(options.checkpoint, threads: options.threads, activations: options.activations)
        defer { target.model.shutdown() }
        let limits = AgentLimits(maxTokensPerCall: options.maxTokens, maxModelCalls: options.maxModelCalls, maxContinuations: 0)
        let benchmark = try await RolloutBenchmark.load(
            name: options.benchmark, dataDirectory: options.dataDirectory, topK: target.setup.defaultSearchTopK,
            pythonTimeoutSeconds: limits.pythonTimeoutSeconds)
        let items = Array(benchmark.items.prefix(max(0, options.questions)))
        guard !items.isEmpty else { throw RolloutError.noQuestions(benchmark: options.benchmark) }
        let system = target.setup.systemPrompt(for: benchmark.spec)
        let engine = RolloutEngine(
            model: target.model,
            loop: AgentLoop(
                model: target.model, tools: benchmark.tools, limits: limits, sampling: sampling(target.sampling),
                template: target.framing, logger: Logger(label: "aepo.rollout")),
            system: system, config: options.rollout, mode: options.mode)
        let output = try Self.create(options.output)
        defer { try? output.close() }
        status("\(options.checkpoint.lastPathComponent): \(target.description)")
        status(
            "\(benchmark.spec.name): \(items.count) question(s) of \(benchmark.source), k = \(options.rollout.groupSize), "
                + "\(options.mode.rawValue) rollout, seed \(options.seed)")
        let clock = ContinuousClock()
        let start = clock.now
        let batch = try await engine.rollout(questions: items.map(\.question), seed: options.seed)
        let seconds = start.duration(to: clock.now)
        let scoring = AgentSampleExecutor(
            loops: [:], setup: target.setup, math: MathScorerProvider(python: nil, logger: Logger(label: "aepo.rollout")),
            mathScorer: MathScorer(), judge: nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var rewards: [Double] = []
        for (g, item) in items.enumerated() {
            let record = try await record(
                group: g, item: item, batch: batch, spec: benchmark.spec,
                prompt: try target.framing.frame(system: system, question: item.question), scoring: scoring)
            rewards += record.rollouts.map(\.reward)
            do {
                try output.write(contentsOf: try encoder.encode(record) + Data("\n".utf8))
            } catch {
                throw RolloutError.output(path: options.output.path, reason: "\(error)")
            }
        }
        return Summary(
            groups: items.count, rollouts: batch.rollouts.count, branches: batch.rollouts.count(where: \.isBranch),
            meanReward: rewards.isEmpty ? 0 : rewards.reduce(0, +) / Double(rewards.count),
            generatedTokens: batch.rollouts.reduce(0) { $0 + Self.generatedTokens($1) },
            seconds: Double(seconds.components.seconds) + Double(seconds.components.attoseconds) * 1e-18)
    }

    /// The checkpoint's sampling with the options' settings in place, and their token limit.
    private func sampling(_ base: SamplingParameters) -> SamplingParameters {
        var sampling = base
        sampling.temperature = options.temperature ?? sampling.temperature
        sampling.topP = options.topP ?? sampling.topP
        sampling.topK = options.topK ?? sampling.topK
        sampling.repetitionPenalty = options.repetitionPenalty ?? sampling.repetitionPenalty
        sampling.maxTokens = options.maxTokens
        return sampling
    }

    /// Group `g`'s line: its statistics and each rollout scored.
    private func record(
        group g: Int, item: DatasetItem, batch: RolloutBatch, spec: BenchmarkSpec, prompt: String,
        scoring: AgentSampleExecutor
    ) async throws -> RolloutRecord {
        let statistics = batch.groups[g]
        var samples: [RolloutRecord.Sample] = []
        for rollout in batch.rollouts where rollout.group == g {
            let run = rollout.path.run()
            let (prediction, score) = try await scoring.score(run, spec: spec, item: item)
            var sample = RolloutRecord.Sample(
                index: rollout.index, origin: rollout.isBranch ? "branch" : "global", text: run.trajectory,
                finishReason: run.finishReason.rawValue, prediction: prediction, reward: score.score,
                correct: score.correct, metric: score.metric.rawValue,
                agenticReward: AgenticReward.score(trajectory: run.trajectory, golds: item.answers).reward,
                modelCalls: run.modelCalls, searchCalls: run.searchCalls, pythonCalls: run.pythonCalls,
                tokens: 0, meanEntropy: nil)
            if case .branch(let parent, let segments) = rollout.origin {
                sample.parent = parent
                sample.branchSegments = segments
                sample.branchOffset = rollout.path.segments.prefix(segments).reduce(0) { $0 + $1.text.unicodeScalars.count }
            }
            let entropies = rollout.path.segments.flatMap { $0.statistics?.entropies ?? [] }
            sample.tokens = entropies.count
            sample.meanEntropy = entropies.isEmpty ? nil : entropies.reduce(0, +) / Double(entropies.count)
            samples.append(sample)
        }
        return RolloutRecord(
            group: g, benchmark: spec.name, itemID: item.id, question: item.question, answers: item.answers, prompt: prompt,
            k: options.rollout.groupSize, m: statistics.globalBudget, globalSamples: statistics.globalSamples,
            branchSamples: statistics.branchSamples, branchDecisions: statistics.branchDecisions,
            penaltyHits: statistics.penaltyHits, hRoot: statistics.rootEntropy, hToolAvg: statistics.toolEntropy,
            rollouts: samples)
    }

    /// Tokens generated for `rollout` itself: a branch's shared segments were generated for its parent.
    static func generatedTokens(_ rollout: Rollout) -> Int {
        var shared = 0
        if case .branch(_, let segments) = rollout.origin { shared = segments }
        return rollout.path.segments.dropFirst(shared).reduce(0) { $0 + ($1.statistics?.tokenIDs.count ?? 0) }
    }

    /// Creates (or truncates) the output file before anything is rolled out.
    private static func create(_ url: URL) throws(RolloutError) -> FileHandle {
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: url.path)
        else {
            throw .output(path: url.path, reason: "the file cannot be created")
        }
        return handle
    }
}
