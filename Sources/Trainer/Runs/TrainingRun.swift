import Benchmarks
import Foundation

/// One `aepo train` run as a library call: train the built-in model on a
/// synthetic suite (SFT, or RL with one of the policy algorithms from an
/// initial checkpoint or after an SFT warm start), save an aepo-gpt
/// checkpoint and, when asked, evaluate its test split through the built-in
/// engine and the agent loop. What it reports goes to an ``Observer``; the
/// CLI only parses flags and draws.
public struct TrainingRun: Sendable {
    /// What to run.
    public struct Options: Sendable {
        public var algorithm: TrainingAlgorithm
        public var algorithmName: String
        public var task: SynthTask
        public var steps: Int
        public var seed: UInt64
        public var output: URL
        public var initFrom: URL?
        /// JSON changing the default `SFTConfig` (sft) or `RLConfig` (RL).
        public var configOverride: Data?
        /// After training: samples per test item (0: no evaluation).
        public var evalSamples: Int
        public var evalLimit: Int?
        public var evalTemperature: Double
        /// How many evaluated items to show (their first sample).
        public var evalShow: Int

        public init(
            algorithm: TrainingAlgorithm, algorithmName: String, task: SynthTask, steps: Int, seed: UInt64, output: URL,
            initFrom: URL? = nil, configOverride: Data? = nil, evalSamples: Int = 0, evalLimit: Int? = nil,
            evalTemperature: Double = 0.6, evalShow: Int = 0
        ) {
            self.algorithm = algorithm
            self.algorithmName = algorithmName
            self.task = task
            self.steps = steps
            self.seed = seed
            self.output = output
            self.initFrom = initFrom
            self.configOverride = configOverride
            self.evalSamples = evalSamples
            self.evalLimit = evalLimit
            self.evalTemperature = evalTemperature
            self.evalShow = evalShow
        }
    }

    /// Where a run reports: metric lines, status sentences, per-step progress.
    public struct Observer: Sendable {
        public var metric: @Sendable (MetricsLine) -> Void
        public var status: @Sendable (String) -> Void
        /// Step, total steps, a one-line summary, time since the phase began.
        public var progress: @Sendable (_ step: Int, _ total: Int, _ detail: String, _ elapsed: Duration) -> Void
        /// The end of a phase of progress lines.
        public var phaseEnded: @Sendable () -> Void

        public init(
            metric: @escaping @Sendable (MetricsLine) -> Void, status: @escaping @Sendable (String) -> Void,
            progress: @escaping @Sendable (Int, Int, String, Duration) -> Void, phaseEnded: @escaping @Sendable () -> Void
        ) {
            self.metric = metric
            self.status = status
            self.progress = progress
            self.phaseEnded = phaseEnded
        }
    }

    /// Why a run's configuration was refused.
    public struct ConfigurationError: Error, CustomStringConvertible {
        public var description: String
    }

    public let options: Options
    public let observer: Observer

    public init(options: Options, observer: Observer) {
        self.options = options
        self.observer = observer
    }

    /// Trains, saves and (when asked) evaluates.
    public func run() async throws {
        let task = options.task, steps = options.steps, seed = options.seed
        switch options.algorithm {
        case .sft:
            let config = try loadConfig(SFTConfig.defaults(for: task), decode: SFTConfig.decode)
            let suite = try SynthSuite(task: task, config: config.data)
            let trainer = try await warmStart(config: config, suite: suite, steps: steps, asPhase: false)
            try await finish(model: trainer.model, suite: suite, step: trainer.step)
        case .rl(let policyAlgorithm):
            let config = try loadConfig(RLConfig.defaults(for: task), decode: RLConfig.decode)
            let suite = try SynthSuite(task: task, config: config.data)
            let model: GPT
            var offset = 0
            if let initFrom = options.initFrom {
                model = try Checkpoint.load(from: initFrom).model
                status("starting from the weights of \(initFrom.path)")
            } else {
                var warmConfig = config.warmStart
                warmConfig.data = config.data
                status("no --init: warm start (SFT) for \(config.warmStartSteps) steps first")
                model = try await warmStart(
                    config: warmConfig, suite: suite, steps: config.warmStartSteps, asPhase: true
                ).model
                offset = config.warmStartSteps
            }
            let trainer = try RLTrainer(
                config: config, algorithm: policyAlgorithm, model: model, suite: suite, python: BubblewrapPython(),
                seed: seed)
            status(
                "\(policyAlgorithm.rawValue) on \(task.rawValue): \(config.promptsPerStep) prompts x "
                    + "\(config.rollout.groupSize) rollouts per step (\(policyAlgorithm.rolloutMode.rawValue) rollout), "
                    + "\(steps) steps, \(BLAS.threads) BLAS thread(s)\n")
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<steps {
                var line = try await trainer.trainStep()
                line.step += offset
                observer.metric(line)
                observer.progress(
                    trainer.step, steps, String(
                        format: "reward %.3f  acc %.2f  entropy %.3f  clip %.3f  %.1fs/step",
                        line.data["critic/score/mean"] ?? .nan, line.data["critic/accuracy"] ?? .nan,
                        line.data["actor/entropy"] ?? .nan, line.data["actor/pg_clipfrac"] ?? .nan,
                        line.data["timing_s/step"] ?? .nan),
                    start.duration(to: clock.now))
            }
            observer.phaseEnded()
            try await finish(model: model, suite: suite, step: offset + trainer.step)
        }
    }

    /// Supervised training for `steps` steps; as the warm-start phase of an
    /// RL run, its lines carry `phase/warm_start: 1`.
    private func warmStart(
        config: SFTConfig, suite: SynthSuite, steps: Int, asPhase: Bool
    ) async throws -> SFTTrainer {
        let tokenizer = try ByteTokenizer(vocabSize: config.model.vocabSize)
        status("building \(suite.train.count) expert trajectories for \(suite.task.rawValue)")
        let sequences = try await SFTSequence.experts(of: suite, tokenizer: tokenizer)
        let trainer = try SFTTrainer(config: config, sequences: sequences, steps: steps, seed: options.seed)
        if let initFrom = options.initFrom, !asPhase {
            try trainer.model.copyWeights(from: try Checkpoint.load(from: initFrom).model)
            status("starting from the weights of \(initFrom.path)")
        }
        status(
            "training \(trainer.model.parameterCount) parameters, B=\(config.batchSize) T=\(config.model.contextLength), "
                + "\(steps) steps, \(BLAS.threads) BLAS thread(s)\n")
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<steps {
            var line = try trainer.trainStep()
            if asPhase { line.data["phase/warm_start"] = 1 }
            observer.metric(line)
            observer.progress(
                line.step, steps, String(
                    format: "loss %.4f  lr %.2e  %.0f tok/s", line.data["train/loss"] ?? .nan,
                    line.data["actor/lr"] ?? .nan, line.data["perf/throughput"] ?? .nan),
                start.duration(to: clock.now))
        }
        observer.phaseEnded()
        return trainer
    }

    /// Saves the checkpoint and, when asked, evaluates it.
    private func finish(model: GPT, suite: SynthSuite, step: Int) async throws {
        let tokenizer = try ByteTokenizer(vocabSize: model.config.vocabSize)
        let url = options.output
        try Checkpoint.save(
            model, tokenizer: tokenizer,
            metadata: CheckpointMetadata(
                algorithm: options.algorithmName.lowercased(), task: suite.task.rawValue, step: step, seed: options.seed),
            to: url)
        status("saved \(url.path) (step \(step))\n")
        if options.evalSamples > 0 {
            try await evaluate(suite: suite, checkpoint: url, step: step)
        }
    }

    /// The defaults, changed by the config override.
    private func loadConfig<Config>(_ base: Config, decode: (Data, Config) throws -> Config) throws -> Config {
        guard let data = options.configOverride else { return base }
        do {
            return try decode(data, base)
        } catch {
            throw ConfigurationError(description: "the config override: \(error)")
        }
    }

    private func evaluate(suite: SynthSuite, checkpoint: URL, step: Int) async throws {
        let model = try BuiltinModel(contentsOf: checkpoint)
        defer { model.engine.shutdown() }
        var sampling = SamplingParameters(temperature: options.evalTemperature)
        sampling.maxTokens = 256
        status("evaluating \(suite.task.rawValue) test: \(options.evalSamples) samples per item\n")
        let report = try await SynthEvaluation.run(
            suite: suite, model: model, python: BubblewrapPython(), samples: options.evalSamples, sampling: sampling,
            limit: options.evalLimit)
        for (item, trajectory) in zip(suite.test, report.firstTrajectories).prefix(options.evalShow) {
            status("--- \(item.item.id) (gold \(item.solution.answer))\n\(item.item.question)\n\(trajectory)")
        }
        let prefix = "eval/\(suite.task.rawValue)"
        var data = [
            "\(prefix)/pass@1": report.passAt1, "\(prefix)/answered": report.answeredRate,
            "\(prefix)/tool_calls": report.meanToolCalls, "\(prefix)/failures": Double(report.failures),
        ]
        if let passAtK = report.passAtK { data["\(prefix)/pass@\(report.samples)"] = passAtK }
        observer.metric(MetricsLine(step: step, data: data))
        let passK = report.passAtK.map { String(format: "  pass@%d %.3f", report.samples, $0) } ?? ""
        status(
            String(format: "%@: %d items, pass@1 %.3f", suite.task.rawValue, report.items, report.passAt1) + passK
                + String(format: "  answered %.3f  tool calls %.2f\n", report.answeredRate, report.meanToolCalls))
    }

    private func status(_ text: String) {
        observer.status(text.hasSuffix("\n") ? text : text + "\n")
    }
}
