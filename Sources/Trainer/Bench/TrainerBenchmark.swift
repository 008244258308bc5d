/// Throughput of the built-in trainer, as measured by `TrainerBenchmark.run`.
public struct TrainerBenchmarkResult: Sendable, Codable, Equatable {
    /// OpenBLAS threads used.
    public var threads: Int
    /// OpenBLAS kernel family in use (see `BLAS.coreName`).
    public var blasCore: String
    /// Decoding's SIMD kernels (see `FeatureMajor.instructionSet`).
    public var decodeKernels: String
    /// Model measured.
    public var config: GPTConfig
    /// Training batch (B, T) and the number of timed steps.
    public var trainBatchSize: Int, trainSequenceLength: Int, trainSteps: Int
    /// Seconds per training step (forward + backward + clip + AdamW).
    public var trainSecondsPerStep: Double
    /// Training tokens per second (B * T / seconds per step).
    public var trainTokensPerSecond: Double
    /// Decoding batch, prompt length and new tokens per sequence.
    public var decodeBatchSize: Int, promptLength: Int, newTokens: Int
    /// Wall time of the whole generation call (prefill included).
    public var decodeSeconds: Double
    /// Generated tokens per second over the whole call (B * newTokens / decodeSeconds).
    public var decodeTokensPerSecond: Double
}

/// Measures training and KV-cache decoding throughput of a randomly
/// initialised GPT. Meant for release builds; the defaults are the reference
/// workload (reference config, training B=16 T=256, decoding batch 16 with
/// 16-token prompts and 128 new tokens).
public enum TrainerBenchmark {
    /// Runs both measurements with OpenBLAS limited to `threads` threads
    /// (restored afterwards). One untimed warm-up training step runs first.
    /// - Parameters:
    ///   - threads: OpenBLAS threads (>= 1).
    ///   - config: model to measure.
    ///   - trainBatchSize, trainSequenceLength: training batch shape.
    ///   - trainSteps: timed training steps.
    ///   - decodeBatchSize, promptLength, newTokens: decoding workload.
    /// - Throws: `GPTError`, `GenerationError` or `ConfigError` for shapes the config cannot hold.
    public static func run(
        threads: Int, config: GPTConfig = .reference,
        trainBatchSize: Int = 16, trainSequenceLength: Int = 256, trainSteps: Int = 5,
        decodeBatchSize: Int = 16, promptLength: Int = 16, newTokens: Int = 128
    ) throws -> TrainerBenchmarkResult {
        let previousThreads = BLAS.threads
        BLAS.threads = threads
        defer { BLAS.threads = previousThreads }
        let model = try GPT(config: config, seed: 1)
        let trainSeconds = try measureTraining(
            model: model, B: trainBatchSize, T: trainSequenceLength, steps: trainSteps)
        let decodeSeconds = try measureDecoding(
            model: model, batchSize: decodeBatchSize, promptLength: promptLength, newTokens: newTokens)
        return TrainerBenchmarkResult(
            threads: threads, blasCore: BLAS.coreName, decodeKernels: FeatureMajor.instructionSet, config: config,
            trainBatchSize: trainBatchSize, trainSequenceLength: trainSequenceLength, trainSteps: trainSteps,
            trainSecondsPerStep: trainSeconds,
            trainTokensPerSecond: Double(trainBatchSize * trainSequenceLength) / trainSeconds,
            decodeBatchSize: decodeBatchSize, promptLength: promptLength, newTokens: newTokens,
            decodeSeconds: decodeSeconds,
            decodeTokensPerSecond: Double(decodeBatchSize * newTokens) / decodeSeconds)
    }

    /// Mean seconds per training step (forward, backward, clipping, AdamW)
    /// over `steps` steps after one warm-up step.
    public static func measureTraining(model: GPT, B: Int, T: Int, steps: Int) throws -> Double {
        let V = model.config.vocabSize
        var rng = Xoshiro256(seed: 2)
        let sequence = (0..<(B * (T + 1))).map { _ in Int32(rng.next() % UInt64(V)) }
        var tokens: [Int32] = [], targets: [Int32] = []
        for b in 0..<B {
            tokens += sequence[(b * (T + 1))..<(b * (T + 1) + T)]
            targets += sequence[(b * (T + 1) + 1)..<((b + 1) * (T + 1))]
        }
        let optimizer = AdamW(layout: model.layout)
        func step() throws {
            _ = try model.loss(tokens: tokens, targets: targets, B: B, T: T)
            model.zeroGradients()
            try model.backward()
            GradientClipping.clip(model.gradients, maxNorm: 1)
            optimizer.update(model, learningRate: 1e-4)
        }
        try step()
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<max(steps, 1) { try step() }
        return seconds(start.duration(to: clock.now)) / Double(max(steps, 1))
    }

    /// Seconds for one batched generation call: `batchSize` random prompts of
    /// `promptLength` tokens, exactly `newTokens` sampled tokens each (EOS ignored).
    public static func measureDecoding(model: GPT, batchSize: Int, promptLength: Int, newTokens: Int) throws -> Double {
        guard batchSize >= 1, promptLength >= 1, newTokens >= 1 else {
            throw GPTError.invalidArgument("decode benchmark needs a batch, a prompt and new tokens")
        }
        guard promptLength + newTokens - 1 <= model.config.contextLength else {
            throw GPTError.sequenceTooLong(length: promptLength + newTokens - 1, contextLength: model.config.contextLength)
        }
        let generator = Generator(model: model, tokenizer: try ByteTokenizer(vocabSize: model.config.vocabSize))
        var rng = Xoshiro256(seed: 3)
        let prompts = (0..<batchSize).map { _ in (0..<promptLength).map { _ in Int32(rng.next() % 256) } }
        let settings = GenerationConfig(maxNewTokens: newTokens, temperature: 1, seed: 4, stopAtEOS: false)
        let clock = ContinuousClock()
        let start = clock.now
        _ = try generator.generate(prompts: prompts, config: settings)
        return seconds(start.duration(to: clock.now))
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
