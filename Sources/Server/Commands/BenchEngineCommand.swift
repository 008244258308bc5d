import ArgumentParser
import Foundation
import Trainer

/// `aepo bench engine --model DIR`: the built-in engine's decoding (batch 1
/// and 16) and prefill throughput on a Hugging Face checkpoint, batch-1
/// decoding against the memory-bandwidth bound, and the process RSS
/// against the weight bytes. Meant for a release build (`scripts/bench-engine`).
struct BenchEngineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine", abstract: "Measure the built-in engine on a Hugging Face checkpoint directory.")

    @Option(help: "The checkpoint directory (config.json + safetensors).") var model: String
    @Option(help: "Threads of the linear layers.") var threads = 1
    @Option(help: "Timed decoding steps.") var tokens = 32
    @Option(help: "Prompt length of the decoded sequences.") var prompt = 32
    @Option(help: "Most rows of the decoding kernel (more use the tiled prefill kernel).") var rowKernelLimit: Int?
    @Option(help: "f32 (default) or bf16: activations rounded to bf16 for bf16 products (AVX512 BF16).")
    var activations: ActivationPrecision = .f32
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func validate() throws {
        guard threads >= 1, tokens >= 1, prompt >= 1 else { throw ValidationError("--threads, --tokens, --prompt must be >= 1") }
    }

    func run() async throws {
        let loaded: HFModel
        do { loaded = try HFModel(directory: URL(fileURLWithPath: model), threads: threads, maxContextLength: 1024) } catch {
            throw ValidationError("\(model): \(error)")
        }
        if let rowKernelLimit { loaded.rowKernelLimit = rowKernelLimit }
        if activations == .bf16, !ActivationPrecision.bf16Available {
            throw ValidationError("--activations bf16: this CPU has no AVX512 BF16")
        }
        loaded.activations = activations
        let result = try EngineBenchmark.run(model: loaded, promptLength: prompt, newTokens: tokens)
        if json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            let mib = { (bytes: Int) in String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
            for (key, value) in [
                ("threads", String(result.threads)),
                ("decode_b1_tokens_per_s", String(format: "%.2f", result.decodeB1TokensPerSecond)),
                ("decode_b16_tokens_per_s", String(format: "%.2f", result.decodeB16TokensPerSecond)),
                ("decode_b16_sampled_tokens_per_s", String(format: "%.2f", result.decodeB16SampledTokensPerSecond)),
                ("sampling_ms_per_b16_step", String(format: "%.2f", result.samplingSecondsPerB16Step * 1e3)),
                ("logprobs_ms_per_token", String(format: "%.3f", result.logprobsSecondsPerToken * 1e3)),
                ("prefill_512_tokens_per_s", String(format: "%.1f", result.prefill512TokensPerSecond)),
                ("copy_gb_per_s", String(format: "%.2f", result.copyBytesPerSecond / 1e9)),
                ("b1_share_of_bandwidth_bound", String(format: "%.3f", result.decodeB1ShareOfBandwidthBound)),
                ("product_peak_gflops", String(format: "%.1f", result.productPeakFlopsPerSecond / 1e9)),
                ("prefill_share_of_peak", String(format: "%.3f", result.prefillShareOfPeak)),
                ("decode_b16_share_of_peak", String(format: "%.3f", result.decodeB16ShareOfPeak)),
                ("weight_bytes", mib(result.weightBytes)),
                ("rss", mib(result.residentBytes)),
                ("peak_rss", mib(result.peakResidentBytes)),
            ] {
                print(key.padding(toLength: 32, withPad: " ", startingAt: 0), value)
            }
        }
    }
}

extension ActivationPrecision: ExpressibleByArgument {}
