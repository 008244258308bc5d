import ArgumentParser
import Benchmarks
import Foundation
import ServerCore
import Trainer

/// `aepo rollout CKPT --benchmark NAME --questions N --k K --mode aepo|arpo|group --seed S --out FILE.jsonl`:
/// the trainer's rollout phase on its own, for a checkpoint the trainer
/// cannot train (a Hugging Face directory) or an aepo-gpt file. Writes one
/// JSON line per group (`RolloutRecord`) and prints a summary; see
/// `RolloutRun` for what runs.
struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Roll out a checkpoint on a benchmark with group, ARPO or AEPO sampling and write the groups as JSONL.")

    /// The rollout modes by their algorithm's name.
    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case aepo, arpo, group

        var rolloutMode: PolicyAlgorithm.RolloutMode {
            switch self {
            case .aepo: .entropyBalanced
            case .arpo: .entropyBranching
            case .group: .group
            }
        }
    }

    @Argument(help: "A Hugging Face model directory, or an aepo-gpt checkpoint (.safetensors).") var checkpoint: String
    @Option(help: "The benchmark whose first items are asked (e.g. gsm8k, synth-arith).") var benchmark: String
    @Option(help: "A server's data directory: its active datasets and search corpus (default: the shipped sample sets, no search).")
    var dataDir: String?
    @Option(help: "Questions: the first N items.") var questions = 4
    @Option(help: "Rollouts per question (the group size k).") var k = 8
    @Option(help: "aepo (entropy-balanced), arpo (entropy branching) or group (k independent samples).") var mode: Mode = .aepo
    @Option(help: "Seed of every sample and branch decision.") var seed: UInt64 = 0
    @Option(help: "The JSONL file to write (one line per group).") var out: String
    @Option(help: "Compute threads (default: the cores for a Hugging Face model, OpenBLAS's choice for aepo-gpt).")
    var threads: Int?
    @Option(help: "f32 (default) or bf16: a Hugging Face model's products with bf16 activations (AVX512 BF16), as serve-model's.")
    var activations: ActivationPrecision = .f32
    @Option(help: "Most tokens per model call.") var maxTokens = 1024
    @Option(help: "Model calls per rollout.") var maxCalls = AgentLimits().maxModelCalls
    @Option(help: "Sampling temperature (default: the checkpoint's generation_config.json, else 0.6).") var temperature: Double?
    @Option(help: "Nucleus mass (default: generation_config.json, else 0.95).") var topP: Double?
    @Option(help: "Top-k, -1 for off (default: generation_config.json, else 20).") var topK: Int?
    @Option(help: "Repetition penalty, Hugging Face models only (default: generation_config.json, else 1.1).")
    var repetitionPenalty: Double?
    @Option(help: "JSON object (or @file) changing the rollout constants (budget_beta, branch_threshold, ...; group_size is --k).")
    var rolloutConfig: String?

    func validate() throws {
        guard questions >= 1 else { throw ValidationError("--questions must be >= 1") }
        guard (1...4096).contains(k) else { throw ValidationError("--k must be in 1...4096") }
        guard maxTokens >= 1 else { throw ValidationError("--max-tokens must be >= 1") }
        guard maxCalls >= 1 else { throw ValidationError("--max-calls must be >= 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be >= 1") }
        if activations == .bf16, !ActivationPrecision.bf16Available {
            throw ValidationError("--activations bf16: this CPU has no AVX512 BF16")
        }
        if let temperature, !(0...SamplingParameters.maxTemperature).contains(temperature) {
            throw ValidationError("--temperature must be in [0, \(SamplingParameters.maxTemperature)]")
        }
        if let topP, !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
        if let topK, topK != -1, topK < 1 { throw ValidationError("--top-k must be -1 (off) or >= 1") }
        if let repetitionPenalty, !(repetitionPenalty > 0) { throw ValidationError("--repetition-penalty must be > 0") }
    }

    func run() async throws {
        var options = RolloutRun.Options(
            checkpoint: URL(fileURLWithPath: checkpoint), benchmark: benchmark, dataDirectory: dataDir.map { URL(fileURLWithPath: $0) },
            questions: questions, mode: mode.rolloutMode, rollout: try rolloutConstants(), seed: seed,
            output: URL(fileURLWithPath: out), threads: threads, maxTokens: maxTokens)
        options.maxModelCalls = maxCalls
        options.activations = activations
        options.temperature = temperature
        options.topP = topP
        options.topK = topK
        options.repetitionPenalty = repetitionPenalty
        let summary: RolloutRun.Summary
        do {
            summary = try await RolloutRun(options: options) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }.run()
        } catch let error as RolloutError {
            throw CommandFailure(message: error.description)
        } catch let error as CatalogError {
            throw CommandFailure(message: error.description)
        }
        print(
            String(
                format: "%d groups, %d rollouts (%d branches), mean reward %.3f, %d tokens in %.1f s (%.1f tokens/s) -> %@",
                summary.groups, summary.rollouts, summary.branches, summary.meanReward, summary.generatedTokens,
                summary.seconds, summary.tokensPerSecond, out))
    }

    /// The default rollout constants, changed by `--rollout-config`, with k from `--k`.
    private func rolloutConstants() throws -> RolloutConfig {
        var config = RolloutConfig()
        if let rolloutConfig {
            let data = try InlineOrFileArgument.data(rolloutConfig)
            do {
                config = try JSONDecoder().decode(RolloutConfig.self, from: data)
            } catch {
                throw ValidationError("--rollout-config: \(error)")
            }
        }
        config.groupSize = k
        return config
    }
}
