import CKernels

/// Runs the linear layers of a forward pass on a `WorkerPool` of `threads`
/// threads. Each product's output features are cut into items of about
/// `itemBytes` of weights (multiples of 8 features), claimed dynamically,
/// so each weight row is read once and a preempted thread's share goes to
/// the others. Rows go through `aepo_linear_rows`, which reads bf16/f16
/// weights in place; above `rowKernelLimit` rows they go through
/// `aepo_linear_tiles` (tiles of weight rows converted to f32, then the
/// outer-product kernel). Measured on Zen 4 (one thread, Qwen2.5-0.5B's
/// matrices) the row kernel wins at every R, 1 to 512 (99 vs 90 GFLOPS at 64
/// rows, 93 vs 80 at 512), so by default every product uses it. Every output
/// is the same chain of operations whatever the items, threads or rows, so
/// a row's result never depends on the batch. The row kernel is near the
/// f32 ceiling: on the 2-core Zen 4 bench machine one zmm FMA per cycle is
/// ~115 GFLOPS per core, and it reaches 90-110 at 16 rows (weights cached),
/// ~85 streaming them from memory; only bf16 products (`vdpbf16ps`, ~230 per
/// core, activations rounded to bf16) go past that. Those take the items
/// as one C array (`aepo_linear_bf16_items`), each thread claiming its next
/// item before it runs the current one, so that the next item's first
/// weight rows are fetched while the current one ends. On AVX2 without
/// AVX-512 the row kernel is `HFRowsAVX2.c` (same bits, blocks that fit
/// 16 ymm registers): 0.47-0.51 of the f32 FMA peak on a Zen 3.
final class LinearExecutor {
    /// One product `out = x W^T + bias` of a group sharing the same input.
    struct Job {
        let linear: HFLinear
        let out: UnsafeMutablePointer<Float>
    }

    /// Threads per product (>= 1).
    var threads: Int { pool.threads }
    /// `.bf16`: bf16 products for bf16 weights (``ActivationPrecision``).
    var activations: ActivationPrecision = .f32
    /// At most this many rows use the row kernel; more use the tiled one.
    var rowKernelLimit: Int
    /// Weight rows per converted tile of the prefill path.
    let tile = 32
    /// Weight bytes per item: small enough that the last items even out the
    /// threads, large enough that claiming one costs nothing against reading it.
    static let itemBytes = 128 << 10
    private let pool: WorkerPool
    private var scratch: [FloatBuffer]
    private var transposed = FloatBuffer(count: 0)
    private var tileOutputs: [FloatBuffer]
    /// The input rounded to bf16 for `.bf16` products, on 64 bytes: its rows
    /// (of a multiple of 32 inputs) then start on cache lines, and no
    /// 32-input load straddles two.
    private var roundedInput = UnsafeMutableBufferPointer<UInt16>(start: nil, count: 0)

    deinit {
        UnsafeMutableRawPointer(roundedInput.baseAddress)?.deallocate()
    }

    init(threads: Int, rowKernelLimit: Int = .max) {
        pool = WorkerPool(threads: threads)
        self.rowKernelLimit = rowKernelLimit
        scratch = (0..<max(1, threads)).map { _ in FloatBuffer(count: 0) }
        tileOutputs = scratch
    }

    /// Runs `body(item, thread)` for every item < count on the pool's threads.
    func forEach(_ count: Int, _ body: (_ item: Int, _ thread: Int) -> Void) {
        pool.forEach(count, body)
    }

    /// Runs `body(start, count)` over [0, n) in one share per thread (bounds
    /// multiples of 16) when n reaches `parallelElements`, else once on the
    /// caller: for elementwise work between the products.
    func split(_ n: Int, _ body: (_ start: Int, _ count: Int) -> Void) {
        let parts = n >= Self.parallelElements ? threads : 1
        guard parts > 1 else {
            if n > 0 { body(0, n) }
            return
        }
        pool.forEach(parts) { part, _ in
            let lower = n * part / parts / 16 * 16, upper = part == parts - 1 ? n : n * (part + 1) / parts / 16 * 16
            if upper > lower { body(lower, upper - lower) }
        }
    }

    /// Elements below which `split` does not wake the workers (a few
    /// microseconds of work, about what handing it out costs).
    static let parallelElements = 32768

    /// Elements from which `eachRow` hands its rows to the pool's threads:
    /// a batch-16 step of a 896-wide model, whose norms, residual adds and
    /// RoPE take a millisecond a step on one thread. (Tests lower it.)
    var rowParallelElements = parallelElements / 4

    /// Runs `body(row)` for every row < `rows`, on the pool's threads when
    /// the rows hold at least `rowParallelElements` elements together, else
    /// on the caller. The rows must write disjoint memory.
    func eachRow(_ rows: Int, width: Int, _ body: (_ row: Int) -> Void) {
        guard threads > 1, rows > 1, rows * width >= rowParallelElements else {
            for row in 0..<rows { body(row) }
            return
        }
        pool.forEach(rows) { row, _ in body(row) }
    }

    /// Stops the worker threads; later products run on the calling thread.
    func shutdown() {
        pool.shutdown()
    }

    /// `jobs[j].out (R, OC_j) = x (R, C) W_j^T + b_j` for every job (all with C inputs).
    func run(_ jobs: [Job], x: UnsafePointer<Float>, rows R: Int) {
        guard R > 0, let C = jobs.first?.linear.inFeatures else { return }
        let items = Self.items(jobs.map { ($0.linear.outFeatures, $0.linear.weight.dtype.byteSize * C) }, threads: threads)
        if activations == .bf16, jobs.allSatisfy({ $0.linear.weight.kernelType == AEPO_WEIGHT_BF16 }), runBF16(jobs, items, x: x, rows: R) {
            return
        }
        if R <= rowKernelLimit {
            pool.forEach(items.count) { i, _ in
                let (j, range) = items[i], job = jobs[j]
                aepo_linear_rows(
                    job.out, job.linear.outFeatures, x, C, R, C, job.linear.weight.base, job.linear.weight.kernelType,
                    job.linear.bias?.pointer, range.lowerBound, range.upperBound)
            }
            return
        }
        prepareTiled(rows: R, inputs: C)
        let xT = transposed.pointer
        for r in 0..<R {
            for c in 0..<C { xT[c * R + r] = x[r * C + c] }
        }
        let scratch = scratch.map(\.pointer), tileOutputs = tileOutputs.map(\.pointer)
        pool.forEach(items.count) { i, t in
            let (j, range) = items[i], job = jobs[j]
            aepo_linear_tiles(
                job.out, job.linear.outFeatures, xT, R, C, job.linear.weight.base, job.linear.weight.kernelType,
                job.linear.bias?.pointer, range.lowerBound, range.upperBound, tile, scratch[t], tileOutputs[t])
        }
    }

    /// The products with bf16 activations; false (nothing written) when the
    /// CPU lacks AVX512 BF16. The items go to the kernel as one C array, so
    /// a thread can fetch its next item's weights ahead (no Swift closure
    /// or reference count touched per item).
    private func runBF16(_ jobs: [Job], _ items: [(Int, Range<Int>)], x: UnsafePointer<Float>, rows R: Int) -> Bool {
        guard ActivationPrecision.bf16Available, let C = jobs.first?.linear.inFeatures else { return false }
        if roundedInput.count < R * C {
            UnsafeMutableRawPointer(roundedInput.baseAddress)?.deallocate()
            let bytes = UnsafeMutableRawPointer.allocate(byteCount: R * C * 2, alignment: 64)
            roundedInput = UnsafeMutableBufferPointer(start: bytes.bindMemory(to: UInt16.self, capacity: R * C), count: R * C)
        }
        let kernelItems = items.map { j, range in
            let linear = jobs[j].linear
            return aepo_bf16_item(
                y: jobs[j].out, ldy: linear.outFeatures, w: linear.weight.base.assumingMemoryBound(to: UInt16.self),
                bias: linear.bias.map { UnsafePointer($0.pointer) }, o0: range.lowerBound, o1: range.upperBound)
        }
        guard let xb = roundedInput.baseAddress else { return false }
        split(R * C) { start, count in aepo_round_to_bf16(xb + start, x + start, count) }
        return aepo_linear_bf16_items(pool.handle, kernelItems, kernelItems.count, xb, C, R, C) == 1
    }

    /// Grows the transposed input and the per-thread tiles.
    private func prepareTiled(rows R: Int, inputs C: Int) {
        if transposed.count < R * C { transposed = FloatBuffer(count: R * C) }
        for t in 0..<threads {
            if scratch[t].count < tile * C { scratch[t] = FloatBuffer(count: tile * C) }
            if tileOutputs[t].count < tile * R { tileOutputs[t] = FloatBuffer(count: tile * R) }
        }
    }

    /// The items of a group of products, in order: (product, output
    /// features) with bounds that are multiples of 8, about `itemBytes` of
    /// weights each (`rowBytes` per output feature). With one thread, one
    /// item per product.
    static func items(_ products: [(outFeatures: Int, rowBytes: Int)], threads: Int) -> [(Int, Range<Int>)] {
        var items: [(Int, Range<Int>)] = []
        for (j, product) in products.enumerated() {
            let step = threads == 1 ? product.outFeatures : max(8, itemBytes / max(1, product.rowBytes) / 8 * 8)
            var lower = 0
            while lower < product.outFeatures {
                let upper = min(product.outFeatures, lower + step)
                items.append((j, lower..<upper))
                lower = upper
            }
        }
        return items
    }
}
