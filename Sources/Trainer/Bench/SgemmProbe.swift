import CBLAS

/// Measures what OpenBLAS's sgemm reaches on this machine, the ceiling the
/// trainer's FLOP rate is compared with, and counts the training FLOPs of a
/// GPT step.
public enum SgemmProbe {
    /// GFLOP/s of square single-precision matrix products C = A B
    /// (2 n^3 FLOPs each), best of `repeats` timed runs after one warm-up,
    /// with OpenBLAS limited to `threads` threads (restored afterwards).
    /// - Parameters:
    ///   - threads: OpenBLAS threads.
    ///   - size: n (default 1024: large enough to reach the kernel's steady state).
    ///   - repeats: timed runs.
    public static func peakGFLOPS(threads: Int, size n: Int = 1024, repeats: Int = 5) -> Double {
        let previous = BLAS.threads
        BLAS.threads = threads
        defer { BLAS.threads = previous }
        var rng = Xoshiro256(seed: 11)
        let a = FloatBuffer((0..<(n * n)).map { _ in rng.nextFloat() - 0.5 })
        let b = FloatBuffer((0..<(n * n)).map { _ in rng.nextFloat() - 0.5 })
        let c = FloatBuffer(count: n * n)
        func multiply() {
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n),
                1, a.pointer, Int32(n), b.pointer, Int32(n), 0, c.pointer, Int32(n))
        }
        multiply()
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = clock.now
            multiply()
            best = min(best, start.duration(to: clock.now).seconds)
        }
        return 2 * Double(n * n * n) / best / 1e9
    }

    /// FLOPs of one training step (forward + backward) per token, counting
    /// matrix products only: `6 * (L * 12 C^2 + V C)` for the linear layers
    /// and the tied output projection, plus `6 * L * T * C` for causal
    /// attention (each query meets T/2 keys on average in QK^T and AV).
    /// - Parameters:
    ///   - config: the model.
    ///   - T: training sequence length.
    public static func trainingFLOPsPerToken(config: GPTConfig, T: Int) -> Double {
        let C = Double(config.modelDimension), L = Double(config.layerCount), V = Double(config.vocabSize)
        return 6 * (L * 12 * C * C + V * C) + 6 * L * Double(T) * C
    }
}
