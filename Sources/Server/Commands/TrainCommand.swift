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
        if let threads { BLAS.threads = threads }
        let override = try configJson.map(InlineOrFileArgument.data)
        let options = TrainingRun.Options(
            algorithm: try TrainingAlgorithm.named(algorithm), algorithmName: algorithm, task: try SynthTask.named(task),
            steps: steps, seed: seed, output: URL(fileURLWithPath: out), initFrom: initFrom.map { URL(fileURLWithPath: $0) },
            configOverride: override, evalSamples: evalSamples, evalLimit: evalLimit, evalTemperature: evalTemperature,
            evalShow: evalShow)
        let sink = try EventSink(path: events)
        let observer = TrainingRun.Observer(
            metric: { sink.write($0) }, status: { Self.status($0) },
            progress: { step, total, detail, elapsed in Self.drawProgress(step: step, total: total, detail: detail, elapsed: elapsed) },
            phaseEnded: { FileHandle.standardError.write(Data("\n".utf8)) })
        do {
            try await TrainingRun(options: options, observer: observer).run()
        } catch let error as TrainingRun.ConfigurationError {
            throw ValidationError("--config-json: \(error.description.replacingOccurrences(of: "the config override: ", with: ""))")
        }
    }

    private static func status(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    private static func drawProgress(step: Int, total: Int, detail: String, elapsed: Duration) {
        let fraction = Double(step) / Double(max(1, total))
        let filled = Int(fraction * 30)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled)
        let text = String(
            format: "\rtrain [%@] %3d%% %d/%d  %@  %.0fs", bar, Int(fraction * 100), step, total, detail, elapsed.seconds)
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Where `--events` lines go: a file (created or truncated), stdout, or nowhere.
private struct EventSink: Sendable {
    nonisolated(unsafe) let handle: FileHandle?

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
