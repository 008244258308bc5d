import ArgumentParser
import Benchmarks
import Foundation
import Trainer
import ServerCore

/// `aepo train`: train the built-in model on a synthetic suite (SFT, or RL
/// with one of the eight policy algorithms from `--init` or after an SFT
/// warm start) and save an aepo-gpt checkpoint. `--events FILE|-` writes one verl file-logger line
/// per step (`-` is stdout); a progress line is drawn on stderr. With
/// `--eval-samples K` the test split is evaluated afterwards through the
/// built-in engine and the agent loop (Pass@1 and Pass@K, also as a final
/// event line).
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train the built-in model on a synthetic suite.")

    @Option(help: "Training algorithm (\(TrainingAlgorithm.names.joined(separator: ", "))).") var algorithm: String
    @Option(help: "Task (\(SynthTask.names.joined(separator: ", "))).") var task: String
    @Option(help: "Steps: optimiser steps for sft, RL steps (rollouts + updates) otherwise.") var steps = 500
    @Option(help: "Seed of the weights and batch order (sft), or of prompts, rollouts and minibatches (RL).") var seed: UInt64 = 0
    @Option(help: "Where to write the checkpoint (.safetensors).") var out: String
    @Option(help: "Write per-step metrics as JSON lines to this file, or - for stdout.") var events: String?
    @Option(help: "JSON object (or @file) overriding the default SFTConfig (sft) or RLConfig (RL algorithms).") var configJson: String?
    @Option(name: .customLong("init"), help: "Start from this checkpoint's weights (RL without it: an SFT warm start first).")
    var initFrom: String?
    @Option(help: "OpenBLAS threads (default: OpenBLAS's own choice).") var threads: Int?
    @Option(help: "After training, evaluate the test split with this many samples per item (0: skip).")
    var evalSamples = 0
    @Option(help: "Evaluate only the first N test items.") var evalLimit: Int?
    @Option(help: "Sampling temperature of the evaluation.") var evalTemperature = 0.6
    @Option(help: "Print the first sample of this many evaluated items to stderr.") var evalShow = 0

    func validate() throws {
        do {
            _ = try TrainingAlgorithm.named(algorithm)
            _ = try SynthTask.named(task)
        } catch {
            throw ValidationError("\(error)")
        }
        guard steps >= 1 else { throw ValidationError("--steps must be >= 1") }
        guard evalSamples >= 0 else { throw ValidationError("--eval-samples must be >= 0") }
        if let threads, threads < 1 { throw ValidationError("--threads must be >= 1") }
    }

    func run() async throws {
        let task = try SynthTask.named(task)
        let algorithm = try TrainingAlgorithm.named(algorithm)
        if let threads { BLAS.threads = threads }
        let sink = try EventSink(path: events)
        switch algorithm {
        case .sft:
            let config = try loadConfig(SFTConfig.defaults(for: task), decode: SFTConfig.decode)
            let suite = try SynthSuite(task: task, config: config.data)
            let trainer = try await warmStart(config: config, suite: suite, steps: steps, sink: sink, asPhase: false)
            try await finish(model: trainer.model, suite: suite, step: trainer.step, sink: sink)
        case .rl(let policyAlgorithm):
            let config = try loadConfig(RLConfig.defaults(for: task), decode: RLConfig.decode)
            let suite = try SynthSuite(task: task, config: config.data)
            let model: GPT
            var offset = 0
            if let initFrom {
                model = try Checkpoint.load(from: URL(fileURLWithPath: initFrom)).model
                status("starting from the weights of \(initFrom)")
            } else {
                var warmConfig = config.warmStart
                warmConfig.data = config.data
                status("no --init: warm start (SFT) for \(config.warmStartSteps) steps first")
                model = try await warmStart(
                    config: warmConfig, suite: suite, steps: config.warmStartSteps, sink: sink, asPhase: true
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
                sink.write(line)
                drawProgress(
                    step: trainer.step,
                    detail: String(
                        format: "reward %.3f  acc %.2f  entropy %.3f  clip %.3f  %.1fs/step",
                        line.data["critic/score/mean"] ?? .nan, line.data["critic/accuracy"] ?? .nan,
                        line.data["actor/entropy"] ?? .nan, line.data["actor/pg_clipfrac"] ?? .nan,
                        line.data["timing_s/step"] ?? .nan),
                    elapsed: start.duration(to: clock.now))
            }
            FileHandle.standardError.write(Data("\n".utf8))
            try await finish(model: model, suite: suite, step: offset + trainer.step, sink: sink)
        }
    }

    /// Supervised training for `steps` steps; as the warm-start phase of an
    /// RL run, its lines carry `phase/warm_start: 1`.
    private func warmStart(
        config: SFTConfig, suite: SynthSuite, steps: Int, sink: EventSink, asPhase: Bool
    ) async throws -> SFTTrainer {
        let tokenizer = try ByteTokenizer(vocabSize: config.model.vocabSize)
        status("building \(suite.train.count) expert trajectories for \(suite.task.rawValue)")
        let sequences = try await SFTSequence.experts(of: suite, tokenizer: tokenizer)
        let trainer = try SFTTrainer(config: config, sequences: sequences, steps: steps, seed: seed)
        if let initFrom, !asPhase {
            try trainer.model.copyWeights(from: try Checkpoint.load(from: URL(fileURLWithPath: initFrom)).model)
            status("starting from the weights of \(initFrom)")
        }
        status(
            "training \(trainer.model.parameterCount) parameters, B=\(config.batchSize) T=\(config.model.contextLength), "
                + "\(steps) steps, \(BLAS.threads) BLAS thread(s)\n")
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<steps {
            var line = try trainer.trainStep()
            if asPhase { line.data["phase/warm_start"] = 1 }
            sink.write(line)
            drawProgress(
                step: line.step, total: steps,
                detail: String(
                    format: "loss %.4f  lr %.2e  %.0f tok/s", line.data["train/loss"] ?? .nan,
                    line.data["actor/lr"] ?? .nan, line.data["perf/throughput"] ?? .nan),
                elapsed: start.duration(to: clock.now))
        }
        FileHandle.standardError.write(Data("\n".utf8))
        return trainer
    }

    /// Saves the checkpoint and, when asked, evaluates it.
    private func finish(model: GPT, suite: SynthSuite, step: Int, sink: EventSink) async throws {
        let tokenizer = try ByteTokenizer(vocabSize: model.config.vocabSize)
        let url = URL(fileURLWithPath: out)
        try Checkpoint.save(
            model, tokenizer: tokenizer,
            metadata: CheckpointMetadata(algorithm: algorithm.lowercased(), task: suite.task.rawValue, step: step, seed: seed),
            to: url)
        status("saved \(out) (step \(step))\n")
        if evalSamples > 0 {
            try await evaluate(suite: suite, checkpoint: url, sink: sink, step: step)
        }
    }

    /// The defaults, changed by `--config-json` (inline JSON or `@file`).
    private func loadConfig<Config>(_ base: Config, decode: (Data, Config) throws -> Config) throws -> Config {
        guard let configJson else { return base }
        let data: Data
        if configJson.hasPrefix("@") {
            guard let contents = FileManager.default.contents(atPath: String(configJson.dropFirst())) else {
                throw ValidationError("cannot read \(configJson.dropFirst())")
            }
            data = contents
        } else {
            data = Data(configJson.utf8)
        }
        do {
            return try decode(data, base)
        } catch {
            throw ValidationError("--config-json: \(error)")
        }
    }

    private func evaluate(suite: SynthSuite, checkpoint: URL, sink: EventSink, step: Int) async throws {
        let model = try BuiltinModel(contentsOf: checkpoint)
        defer { model.engine.shutdown() }
        var sampling = SamplingParameters(temperature: evalTemperature)
        sampling.maxTokens = 256
        status("evaluating \(suite.task.rawValue) test: \(evalSamples) samples per item\n")
        let report = try await SynthEvaluation.run(
            suite: suite, model: model, python: BubblewrapPython(), samples: evalSamples, sampling: sampling,
            limit: evalLimit)
        for (item, trajectory) in zip(suite.test, report.firstTrajectories).prefix(evalShow) {
            status("--- \(item.item.id) (gold \(item.solution.answer))\n\(item.item.question)\n\(trajectory)")
        }
        let prefix = "eval/\(suite.task.rawValue)"
        var data = [
            "\(prefix)/pass@1": report.passAt1, "\(prefix)/answered": report.answeredRate,
            "\(prefix)/tool_calls": report.meanToolCalls, "\(prefix)/failures": Double(report.failures),
        ]
        if let passAtK = report.passAtK { data["\(prefix)/pass@\(report.samples)"] = passAtK }
        sink.write(MetricsLine(step: step, data: data))
        let passK = report.passAtK.map { String(format: "  pass@%d %.3f", report.samples, $0) } ?? ""
        status(
            String(format: "%@: %d items, pass@1 %.3f", suite.task.rawValue, report.items, report.passAt1) + passK
                + String(format: "  answered %.3f  tool calls %.2f\n", report.answeredRate, report.meanToolCalls))
    }

    private func status(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    private func drawProgress(step: Int, total: Int? = nil, detail: String, elapsed: Duration) {
        let total = total ?? steps
        let fraction = Double(step) / Double(max(1, total))
        let filled = Int(fraction * 30)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled)
        let text = String(
            format: "\rtrain [%@] %3d%% %d/%d  %@  %.0fs", bar, Int(fraction * 100), step, total, detail, elapsed.seconds)
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Where `--events` lines go: a file (created or truncated), stdout, or nowhere.
private struct EventSink {
    let handle: FileHandle?

    init(path: String?) throws {
        guard let path else {
            handle = nil
            return
        }
        if path == "-" {
            handle = .standardOutput
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw ValidationError("cannot create \(path)")
        }
        handle = FileHandle(forWritingAtPath: path)
    }

    func write(_ line: MetricsLine) {
        handle?.write(Data((line.json + "\n").utf8))
    }
}
