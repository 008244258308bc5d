import ArgumentParser
import Benchmarks
import Foundation
import Trainer

/// `aepo train`: train the built-in model on a synthetic suite and save an
/// aepo-gpt checkpoint. `--events FILE|-` writes one verl file-logger line
/// per step (`-` is stdout); a progress line is drawn on stderr. With
/// `--eval-samples K` the test split is evaluated afterwards through the
/// built-in engine and the agent loop (Pass@1 and Pass@K, also as a final
/// event line).
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train the built-in model on a synthetic suite.")

    @Option(help: "Training algorithm (\(TrainingAlgorithm.names.joined(separator: ", "))).") var algorithm: String
    @Option(help: "Task (\(SynthTask.names.joined(separator: ", "))).") var task: String
    @Option(help: "Optimiser steps.") var steps = 500
    @Option(help: "Seed of the weights and the batch order.") var seed: UInt64 = 0
    @Option(help: "Where to write the checkpoint (.safetensors).") var out: String
    @Option(help: "Write per-step metrics as JSON lines to this file, or - for stdout.") var events: String?
    @Option(help: "JSON object (or @file) overriding the task's default config.") var configJson: String?
    @Option(name: .customLong("init"), help: "Start from this checkpoint's weights (same width, depth, heads, vocabulary).")
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
        _ = try TrainingAlgorithm.named(algorithm)
        if let threads { BLAS.threads = threads }
        let config = try loadConfig(task: task)
        let sink = try EventSink(path: events)
        let suite = try SynthSuite(task: task, config: config.data)
        let tokenizer = try ByteTokenizer(vocabSize: config.model.vocabSize)
        status("building \(suite.train.count) expert trajectories for \(task.rawValue)")
        let sequences = try await SFTSequence.experts(of: suite, tokenizer: tokenizer)
        let trainer = try SFTTrainer(config: config, sequences: sequences, steps: steps, seed: seed)
        if let initFrom {
            try trainer.model.copyWeights(from: try Checkpoint.load(from: URL(fileURLWithPath: initFrom)).model)
            status("starting from the weights of \(initFrom)")
        }
        status(
            "training \(trainer.model.parameterCount) parameters, B=\(config.batchSize) T=\(config.model.contextLength), "
                + "\(steps) steps, \(BLAS.threads) BLAS thread(s)\n")
        let clock = ContinuousClock()
        let start = clock.now
        var last = MetricsLine(step: 0, data: [:])
        for _ in 0..<steps {
            last = try trainer.trainStep()
            sink.write(last)
            drawProgress(last, elapsed: start.duration(to: clock.now))
        }
        FileHandle.standardError.write(Data("\n".utf8))
        let url = URL(fileURLWithPath: out)
        try Checkpoint.save(
            trainer.model, tokenizer: tokenizer,
            metadata: CheckpointMetadata(algorithm: algorithm, task: task.rawValue, step: trainer.step, seed: seed),
            to: url)
        status("saved \(out) (step \(trainer.step), loss \(String(format: "%.4f", last.data["train/loss"] ?? .nan)))\n")
        if evalSamples > 0 {
            try await evaluate(suite: suite, checkpoint: url, sink: sink, step: trainer.step)
        }
    }

    /// The task's defaults, changed by `--config-json` (inline JSON or `@file`).
    private func loadConfig(task: SynthTask) throws -> SFTConfig {
        let base = SFTConfig.defaults(for: task)
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
            return try SFTConfig.decode(data, over: base)
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

    private func drawProgress(_ line: MetricsLine, elapsed: Duration) {
        let fraction = Double(line.step) / Double(steps)
        let filled = Int(fraction * 30)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let text = String(
            format: "\rtrain [%@] %3d%% %d/%d  loss %.4f  lr %.2e  %.0f tok/s  %.0fs",
            bar, Int(fraction * 100), line.step, steps, line.data["train/loss"] ?? .nan, line.data["actor/lr"] ?? .nan,
            line.data["perf/throughput"] ?? .nan, seconds)
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
