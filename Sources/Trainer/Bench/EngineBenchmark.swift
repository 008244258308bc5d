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
    /// Prompt tokens per second of one 512-token prefill.
    public var prefill512TokensPerSecond: Double
    /// Memory copy bandwidth measured here (bytes read + written per second, as STREAM counts a copy).
    public var copyBytesPerSecond: Double
    /// Batch-1 decoding as a share of `copyBytesPerSecond / weightBytes` tokens/s.
    public var decodeB1ShareOfBandwidthBound: Double
    /// Resident set size after the decoding and prefill measurements, and its peak.
    public var residentBytes: Int, peakResidentBytes: Int
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
        let prefill = try prefillRate(model, length: 512)
        // before the copy test, whose 512 MiB of buffers are not the engine's
        let (rss, peak) = residentSize()
        let copy = copyBandwidth(threads: model.threads)
        let bound = copy / Double(model.weights.byteCount)
        return EngineBenchmarkResult(
            threads: model.threads, weightBytes: model.weights.byteCount, decodeB1TokensPerSecond: b1,
            decodeB16TokensPerSecond: b16, prefill512TokensPerSecond: prefill, copyBytesPerSecond: copy,
            decodeB1ShareOfBandwidthBound: b1 / bound, residentBytes: rss, peakResidentBytes: peak)
    }

    /// Greedy decoding of `batch` random prompts; tokens/s over the timed steps.
    static func decodeRate(_ model: HFModel, batch: Int, promptLength: Int, newTokens: Int) throws(EngineError) -> Double {
        let decode = try model.makeDecodeBatch(slots: batch)
        var rng = Xoshiro256(seed: UInt64(batch))
        var feeds = (0..<batch).map { _ in (0..<promptLength).map { _ in Int32(rng.next() % UInt64(model.vocabularySize - 20)) + 10 } }
        func next() throws(EngineError) {
            try decode.step(feeds)
            for b in 0..<batch {
                let logits = decode.logits(slot: b)
                var best = 0
                for v in 1..<model.vocabularySize where logits[v] > logits[best] { best = v }
                feeds[b] = [Int32(best)]
            }
        }
        try next()  // prefill
        try next()  // one untimed step
        let start = ContinuousClock.now
        for _ in 0..<newTokens { try next() }
        return Double(batch * newTokens) / (ContinuousClock.now - start).seconds
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
