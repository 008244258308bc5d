import CKernels
import Foundation

/// Throughput of the built-in engine on a Hugging Face checkpoint, as
/// measured by `EngineBenchmark.run` (the Swift side of `scripts/bench-engine`).
public struct EngineBenchmarkResult: Sendable, Codable, Equatable {
    /// Threads of the linear layers.
    public var threads: Int
    /// Bytes of weight data (what one decoding step reads at batch 1).
    public var weightBytes: Int
    /// Decoded tokens per second, one sequence.
    public var decodeB1TokensPerSecond: Double
    /// Decoded tokens per second over 16 sequences decoded together.
    public var decodeB16TokensPerSecond: Double
    /// The same, each token sampled as the served engine samples it
    /// (`sampledDecoding` settings, the sequences concurrently), and the
    /// seconds of each step spent sampling.
    public var decodeB16SampledTokensPerSecond: Double, samplingSecondsPerB16Step: Double
    /// Seconds one generated token's `logprobs` report takes (the 20 most
    /// likely alternatives, `EngineRequest.mostLogprobs`) over the vocabulary.
    public var logprobsSecondsPerToken: Double
    /// Prompt tokens per second of one 512-token prefill.
    public var prefill512TokensPerSecond: Double
    /// Memory copy bandwidth measured here (bytes read + written per second, as STREAM counts a copy).
    public var copyBytesPerSecond: Double
    /// Batch-1 decoding as a share of `copyBytesPerSecond / weightBytes` tokens/s.
    public var decodeB1ShareOfBandwidthBound: Double
    /// Resident set size after the decoding and prefill measurements, and its peak.
    public var residentBytes: Int, peakResidentBytes: Int
    /// FLOPs per second of the products' instruction (`vdpbf16ps` with bf16
    /// activations, f32 FMA otherwise) on every thread, from registers: the
    /// ceiling of the linear layers' arithmetic (0 without AVX-512).
    public var productPeakFlopsPerSecond: Double
    /// Linear-layer FLOPs per prompt token (no output layer: a prefill
    /// scores only its last row) and per decoded token (with it); attention
    /// is not counted.
    public var prefillFlopsPerToken: Double, decodeFlopsPerToken: Double
    /// Prefill and batch-16 decoding as shares of `productPeakFlopsPerSecond`.
    public var prefillShareOfPeak: Double, decodeB16ShareOfPeak: Double
}

/// Measures decoding (batch 1 and 16), a 512-token prefill and memory
/// bandwidth for an `HFModel`. Meant for release builds.
public enum EngineBenchmark {
    /// Runs every measurement on `model`.
    /// - Parameters:
    ///   - model: the loaded checkpoint.
    ///   - promptLength: prompt of each decoded sequence.
    ///   - newTokens: timed decoding steps (after one untimed step).
    /// - Throws: `EngineError` if the model refuses a step.
    public static func run(model: HFModel, promptLength: Int = 32, newTokens: Int = 32) throws(EngineError) -> EngineBenchmarkResult {
        let b1 = try decodeRate(model, batch: 1, promptLength: promptLength, newTokens: newTokens)
        let b16 = try decodeRate(model, batch: 16, promptLength: promptLength, newTokens: newTokens)
        let sampled = try sampledDecodeRate(model, batch: 16, promptLength: promptLength, newTokens: newTokens)
        let logprobs = logprobsTime(vocabularySize: model.vocabularySize)
        let prefill = try prefillRate(model, length: 512)
        // before the copy test, whose 512 MiB of buffers are not the engine's
        let (rss, peak) = residentSize()
        let copy = copyBandwidth(threads: model.threads)
        let bound = copy / Double(model.weights.byteCount)
        let ceiling = productPeak(threads: model.threads, bf16: model.activations == .bf16)
        let (prefillFlops, decodeFlops) = linearFlopsPerToken(model)
        let share = { (rate: Double, flops: Double) in ceiling > 0 ? rate * flops / ceiling : 0 }
        return EngineBenchmarkResult(
            threads: model.threads, weightBytes: model.weights.byteCount, decodeB1TokensPerSecond: b1,
            decodeB16TokensPerSecond: b16, decodeB16SampledTokensPerSecond: sampled.tokensPerSecond,
            samplingSecondsPerB16Step: sampled.samplingSecondsPerStep, logprobsSecondsPerToken: logprobs,
            prefill512TokensPerSecond: prefill, copyBytesPerSecond: copy,
            decodeB1ShareOfBandwidthBound: b1 / bound, residentBytes: rss, peakResidentBytes: peak,
            productPeakFlopsPerSecond: ceiling, prefillFlopsPerToken: prefillFlops, decodeFlopsPerToken: decodeFlops,
            prefillShareOfPeak: share(prefill, prefillFlops), decodeB16ShareOfPeak: share(b16, decodeFlops))
    }

    /// 2 x the weights of every linear layer, without and with the output layer.
    static func linearFlopsPerToken(_ model: HFModel) -> (prefill: Double, decode: Double) {
        let size = { (linear: HFLinear) in Double(linear.outFeatures * linear.inFeatures) }
        let layers = model.layers.reduce(0.0) { total, layer in
            total + [layer.q, layer.k, layer.v, layer.o, layer.gate, layer.up, layer.down].map(size).reduce(0, +)
        }
        return (2 * layers, 2 * (layers + size(model.outputLayer)))
    }

    /// `aepo_product_peak_loop` on `threads` threads at once, best of 3
    /// runs of about 0.1 s; FLOPs per second of them all.
    static func productPeak(threads: Int, bf16: Bool) -> Double {
        let executor = LinearExecutor(threads: threads)
        defer { executor.shutdown() }
        let iterations = 4_000_000
        var best = 0.0
        for _ in 0..<3 {
            let flops = UnsafeMutableBufferPointer<Double>.allocate(capacity: threads)
            defer { flops.deallocate() }
            let start = ContinuousClock.now
            executor.forEach(threads) { t, _ in
                var sink: Float = 0
                flops[t] = aepo_product_peak_loop(bf16 ? 1 : 0, iterations, &sink)
            }
            let seconds = (ContinuousClock.now - start).seconds
            best = max(best, flops.reduce(0, +) / seconds)
        }
        return best
    }

    /// Greedy decoding of `batch` random prompts, the sequences choosing
    /// concurrently as the served engine samples them; tokens/s.
    static func decodeRate(_ model: HFModel, batch: Int, promptLength: Int, newTokens: Int) throws(EngineError) -> Double {
        try decodeRate(model, batch: batch, promptLength: promptLength, newTokens: newTokens) { decode in
            var tokens = [Int32](repeating: 0, count: batch)
            tokens.withUnsafeMutableBufferPointer { tokens in
                decode.concurrently(batch) { b in tokens[b] = Int32(aepo_argmax(decode.logits(slot: b), model.vocabularySize)) }
            }
            return tokens
        }.tokensPerSecond
    }

    /// Sampling settings of the sampled figure: a reasoning model's usual
    /// evaluation settings (Qwen3's thinking mode recommends these).
    static let sampledDecoding = (temperature: Float(0.6), topK: 20, topP: Float(0.95))

    /// `decodeRate` with every token sampled (`sampledDecoding`) by one
    /// `Sampler` per sequence, the sequences concurrently as the served
    /// engine samples them (`DecodeBatch.sampleEach`); tokens/s and the
    /// seconds per step spent sampling.
    static func sampledDecodeRate(
        _ model: HFModel, batch: Int, promptLength: Int, newTokens: Int
    ) throws(EngineError) -> (tokensPerSecond: Double, samplingSecondsPerStep: Double) {
        let settings = sampledDecoding
        var samplers = (0..<batch).map { _ in
            Sampler(vocabSize: model.vocabularySize, temperature: settings.temperature, topK: settings.topK, topP: settings.topP)
        }
        var generators = (0..<batch).map { Xoshiro256(seed: UInt64($0)) }
        let rate = try decodeRate(model, batch: batch, promptLength: promptLength, newTokens: newTokens) { decode in
            samplers.withUnsafeMutableBufferPointer { samplers in
                generators.withUnsafeMutableBufferPointer { generators in
                    decode.sampleEach(Array(0..<batch)) { b in samplers[b].sample(decode.logits(slot: b), rng: &generators[b]) }
                }
            }.map(\.token)
        }
        return (rate.tokensPerSecond, rate.chooseSecondsPerStep)
    }

    /// Decoding of `batch` random prompts (seeded by the batch size), each
    /// step's tokens taken by `choose` from the step's logits: the prefill
    /// and one step untimed, then `newTokens` timed steps. Tokens/s and the
    /// seconds per timed step spent in `choose`.
    static func decodeRate(
        _ model: HFModel, batch: Int, promptLength: Int, newTokens: Int, choose: (_ decode: any DecodeBatch) -> [Int32]
    ) throws(EngineError) -> (tokensPerSecond: Double, chooseSecondsPerStep: Double) {
        let decode = try model.makeDecodeBatch(slots: batch)
        var rng = Xoshiro256(seed: UInt64(batch))
        var feeds = (0..<batch).map { _ in (0..<promptLength).map { _ in Int32(rng.next() % UInt64(model.vocabularySize - 20)) + 10 } }
        var start = ContinuousClock.now, choosing = Duration.zero
        for step in 0..<(newTokens + 2) {
            if step == 2 { (start, choosing) = (.now, .zero) }
            try decode.step(feeds)
            let before = ContinuousClock.now
            feeds = choose(decode).map { [$0] }
            choosing += ContinuousClock.now - before
        }
        return (Double(batch * newTokens) / (ContinuousClock.now - start).seconds, choosing.seconds / Double(newTokens))
    }

    /// The seconds of one `logprobs` report with the most alternatives, on
    /// a row of logits in random order (best of 20).
    static func logprobsTime(vocabularySize V: Int) -> Double {
        var rng = Xoshiro256(seed: 11)
        let logits = FloatBuffer(count: V), scratch = LogprobScratch(vocabularySize: V)
        for j in 0..<V { logits.pointer[j] = Float(rng.next() % 20_000) / 1000 - 10 }
        var best = Double.infinity
        for _ in 0..<20 {
            let start = ContinuousClock.now
            _ = LogprobMeasure(logits.pointer, count: V, top: EngineRequest.mostLogprobs, scratch: scratch)
            best = min(best, (ContinuousClock.now - start).seconds)
        }
        return best
    }

    /// One prompt of `length` tokens in one pass (best of two); tokens/s.
    static func prefillRate(_ model: HFModel, length: Int) throws(EngineError) -> Double {
        var rng = Xoshiro256(seed: 7)
        let prompt = (0..<length).map { _ in Int32(rng.next() % UInt64(model.vocabularySize - 20)) + 10 }
        let batch = try model.makeDecodeBatch(slots: 1)
        try batch.step([Array(prompt.prefix(16))])  // warms the workspace
        var best = Double.infinity
        for _ in 0..<2 {
            batch.reset(slot: 0)
            let start = ContinuousClock.now
            try batch.step([prompt])
            best = min(best, (ContinuousClock.now - start).seconds)
        }
        return Double(length) / best
    }

    /// memcpy of 256 MiB split across `threads` threads, best of 5; bytes
    /// read + written per second.
    static func copyBandwidth(threads: Int) -> Double {
        let count = 256 << 20
        let source = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 64)
        let destination = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 64)
        defer {
            source.deallocate()
            destination.deallocate()
        }
        memset(source, 1, count)
        memset(destination, 2, count)
        let executor = LinearExecutor(threads: threads)
        var best = Double.infinity
        for _ in 0..<5 {
            let start = ContinuousClock.now
            executor.forEach(threads) { t, _ in
                let lower = count * t / threads, upper = count * (t + 1) / threads
                memcpy(destination + lower, source + lower, upper - lower)
            }
            best = min(best, (ContinuousClock.now - start).seconds)
        }
        return 2 * Double(count) / best
    }

    /// VmRSS and VmHWM of this process in bytes (0 where /proc is missing).
    static func residentSize() -> (Int, Int) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        }
        return (field("VmRSS"), field("VmHWM"))
    }
}
