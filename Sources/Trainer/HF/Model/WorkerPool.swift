import CKernels

/// Threads that run the parallel loops of a forward pass (`aepo_pool_*` in
/// CKernels): `threads - 1` workers, created on the first loop and kept
/// until `shutdown()` or deinit, plus the calling thread. Items of a loop
/// are claimed dynamically, so a worker the scheduler delays does not hold
/// the others up.
///
/// One caller at a time (the model's owner). After `shutdown()` loops still
/// run, on the calling thread alone.
final class WorkerPool {
    /// Threads a loop is meant to run on (>= 1).
    let threads: Int
    private var pool: OpaquePointer?
    private var isShutDown = false

    /// A pool for `threads` threads (the caller included); no thread starts yet.
    init(threads: Int) {
        self.threads = max(1, threads)
    }

    deinit {
        aepo_pool_destroy(pool)
    }

    /// Runs `body(item, thread)` for every item < `count` and returns when
    /// all are done. `thread` < `threads` names the thread running the item
    /// (for per-thread scratch). The items must write disjoint memory.
    func forEach(_ count: Int, _ body: (_ item: Int, _ thread: Int) -> Void) {
        guard count > 0 else { return }
        if threads == 1 || count == 1 || isShutDown {
            for item in 0..<count { body(item, 0) }
            return
        }
        if pool == nil { pool = aepo_pool_create(threads) }
        withoutActuallyEscaping(body) { body in
            var closure = body
            withUnsafeMutablePointer(to: &closure) { context in
                aepo_pool_run(pool, count, { context, item, thread in
                    context?.assumingMemoryBound(to: ((Int, Int) -> Void).self).pointee(item, thread)
                }, context)
            }
        }
    }

    /// The C pool, for kernels that run their own loop on it
    /// (`aepo_linear_bf16_items`); nil when loops run on the caller alone.
    var handle: OpaquePointer? {
        guard threads > 1, !isShutDown else { return nil }
        if pool == nil { pool = aepo_pool_create(threads) }
        return pool
    }

    /// Stops and joins the workers; later loops run on the caller.
    func shutdown() {
        isShutDown = true
        aepo_pool_destroy(pool)
        pool = nil
    }
}
