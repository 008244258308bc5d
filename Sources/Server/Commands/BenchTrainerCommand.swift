import ArgumentParser
import Foundation
import Trainer
import ServerCore

/// `aepo bench trainer`: training and decoding throughput of the built-in
/// trainer on the reference workload (train = forward + backward + AdamW on
/// batch 16 x 256; decode = batch 16, 16-token prompts, 128 new tokens with
/// a KV cache), and the training FLOP rate against OpenBLAS sgemm's peak
/// measured here. Meant for a release build.
struct BenchTrainerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trainer",
        abstract: "Measure the built-in trainer's training and decoding tokens/s.")

    @Option(help: "OpenBLAS threads.") var threads = 1
    @Option(help: "Timed training steps (after one warm-up step).") var trainSteps = 5
    @Flag(help: "Print one JSON object instead of a table.") var json = false
    @Flag(help: "Skip the sgemm peak probe.") var noProbe = false

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be >= 1") }
        guard trainSteps >= 1 else { throw ValidationError("--train-steps must be >= 1") }
    }

    func run() async throws {
        let result = try TrainerBenchmark.run(threads: threads, trainSteps: trainSteps)
        let flopsPerToken = SgemmProbe.trainingFLOPsPerToken(config: result.config, T: result.trainSequenceLength)
        let trainGFLOPS = flopsPerToken * result.trainTokensPerSecond / 1e9
        let peak = noProbe ? nil : SgemmProbe.peakGFLOPS(threads: threads)
        var fields: [(String, String)] = [
            ("train_tokens_per_s", format(result.trainTokensPerSecond, 1)),
            ("decode_tokens_per_s", format(result.decodeTokensPerSecond, 1)),
            ("threads", String(threads)),
            ("blas_core", "\"\(result.blasCore)\""),
            ("decode_kernels", "\"\(result.decodeKernels)\""),
            ("train_seconds_per_step", format(result.trainSecondsPerStep, 4)),
            ("decode_seconds", format(result.decodeSeconds, 4)),
            ("train_gflops", format(trainGFLOPS, 2)),
        ]
        if let peak {
            fields.append(("sgemm_peak_gflops", format(peak, 2)))
            fields.append(("train_share_of_sgemm_peak", format(trainGFLOPS / peak, 3)))
        }
        if json {
            print("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
        } else {
            for (key, value) in fields { print(key.padding(toLength: 28, withPad: " ", startingAt: 0), value) }
        }
    }

    private func format(_ value: Double, _ decimals: Int) -> String {
        value.isFinite ? String(format: "%.\(decimals)f", value) : "null"
    }
}
