import CKernels
import Dispatch

/// Runs the linear layers of a forward pass on `threads` threads, each
/// thread taking a contiguous share of every layer's output features (so
/// each reads its share of the weights once). Rows go through
/// `aepo_linear_rows`, which reads bf16/f16 weights in place; above
/// `rowKernelLimit` rows they go through `aepo_linear_tiles` (tiles of
/// weight rows converted to f32, then the outer-product kernel). Measured on
/// Zen 4 (one thread, Qwen2.5-0.5B's matrices) the row kernel wins at every
/// R, 1 to 512 (99 vs 90 GFLOPS at 64 rows, 93 vs 80 at 512), so by default
/// every product uses it, and a row's result never depends on the batch.
final class LinearExecutor {
    /// One product `out = x W^T + bias` of a group sharing the same input.
    struct Job {
        let linear: HFLinear
        let out: UnsafeMutablePointer<Float>
    }

    /// Threads per product (>= 1).
    let threads: Int
    /// At most this many rows use the row kernel; more use the tiled one.
    var rowKernelLimit: Int
    /// Weight rows per converted tile of the prefill path.
    let tile = 32
    private var scratch: [FloatBuffer]
    private var transposed = FloatBuffer(count: 0)
    private var tileOutputs: [FloatBuffer]

    init(threads: Int, rowKernelLimit: Int = .max) {
        self.threads = max(1, threads)
        self.rowKernelLimit = rowKernelLimit
        scratch = (0..<max(1, threads)).map { _ in FloatBuffer(count: 0) }
        tileOutputs = scratch
    }

    /// Runs `body(t)` for t < threads, concurrently when threads > 1.
    func parallel(_ body: (Int) -> Void) {
        if threads == 1 {
            body(0)
            return
        }
        // the threads only touch disjoint parts of the buffers the body names
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedBody(run: body)
            DispatchQueue.concurrentPerform(iterations: threads) { shared.run($0) }
        }
    }

    /// `jobs[j].out (R, OC_j) = x (R, C) W_j^T + b_j` for every job (all with C inputs).
    func run(_ jobs: [Job], x: UnsafePointer<Float>, rows R: Int) {
        guard R > 0, let C = jobs.first?.linear.inFeatures else { return }
        // each thread's share of each job: multiples of 4 output features
        let shares = jobs.map { job in Self.split(job.linear.outFeatures, parts: threads) }
        if R <= rowKernelLimit {
            parallel { t in
                for (j, job) in jobs.enumerated() {
                    let range = shares[j][t]
                    aepo_linear_rows(
                        job.out, job.linear.outFeatures, x, C, R, C, job.linear.weight.base, job.linear.weight.kernelType,
                        job.linear.bias?.pointer, range.lowerBound, range.upperBound)
                }
            }
            return
        }
        prepareTiled(rows: R, inputs: C)
        let xT = transposed.pointer
        for r in 0..<R {
            for c in 0..<C { xT[c * R + r] = x[r * C + c] }
        }
        parallel { t in
            let scratch = self.scratch[t].pointer, tileOut = self.tileOutputs[t].pointer
            for (j, job) in jobs.enumerated() {
                let range = shares[j][t]
                aepo_linear_tiles(
                    job.out, job.linear.outFeatures, xT, R, C, job.linear.weight.base, job.linear.weight.kernelType,
                    job.linear.bias?.pointer, range.lowerBound, range.upperBound, tile, scratch, tileOut)
            }
        }
    }

    /// Grows the transposed input and the per-thread tiles.
    private func prepareTiled(rows R: Int, inputs C: Int) {
        if transposed.count < R * C { transposed = FloatBuffer(count: R * C) }
        for t in 0..<threads {
            if scratch[t].count < tile * C { scratch[t] = FloatBuffer(count: tile * C) }
            if tileOutputs[t].count < tile * R { tileOutputs[t] = FloatBuffer(count: tile * R) }
        }
    }

    /// `count` split into `parts` contiguous ranges whose bounds are multiples of 4.
    static func split(_ count: Int, parts: Int) -> [Range<Int>] {
        let blocks = (count + 3) / 4
        return (0..<parts).map { t in
            let lower = min(count, blocks * t / parts * 4), upper = min(count, blocks * (t + 1) / parts * 4)
            return lower..<upper
        }
    }
}

/// A closure handed to worker threads that write disjoint memory.
private struct UncheckedBody: @unchecked Sendable {
    let run: (Int) -> Void
}
