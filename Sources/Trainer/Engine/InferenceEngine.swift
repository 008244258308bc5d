import Foundation

/// Serves one model (any `EngineModel`: aepo-gpt or a Hugging Face decoder)
/// to many concurrent callers with continuous batching:
/// `generate` calls from any task are queued; a dedicated worker thread
/// admits them into free slots of one KV cache (up to `maxBatchSize`),
/// prefills new prompts in the same forward pass that decodes one token for
/// every running sequence, and answers each caller as soon as its sequence
/// ends. When the engine is idle, the first request waits `batchingWindow`
/// so requests arriving together start together.
///
/// The decode loop runs on its own thread rather than in an actor because it
/// is CPU-bound for seconds at a time and would otherwise hold one of the
/// cooperative pool's few threads. Each request samples from its own random
/// stream (from its seed), so its tokens do not depend on what it was
/// batched with. (Its logits do, in the last bits: OpenBLAS's sgemm rounds a
/// row differently depending on its place among the rows, so a token could in
/// principle flip when a draw lands within ~1e-7 of a boundary.) Cancelling
/// the caller's task drops its sequence at the next step.
public final class InferenceEngine: @unchecked Sendable {
    /// Scheduling limits.
    public struct Options: Sendable, Equatable {
        /// Most sequences decoded together (the KV cache's slots).  Default 16.
        public var maxBatchSize: Int
        /// How long an idle engine waits for more requests before starting.  Default 2 ms.
        public var batchingWindow: Duration

        /// Creates options.
        public init(maxBatchSize: Int = 16, batchingWindow: Duration = .milliseconds(2)) {
            self.maxBatchSize = max(1, maxBatchSize)
            self.batchingWindow = batchingWindow
        }
    }

    /// Counters for monitoring and tests.
    public struct Statistics: Sendable, Equatable {
        /// Forward passes run.
        public var steps = 0
        /// Requests answered (successfully or not).
        public var completed = 0
        /// The most sequences that were ever in one forward pass.
        public var largestBatch = 0
    }

    /// Most tokens a sequence may hold, prompt included.
    public let contextLength: Int
    /// Logits per position.
    public let vocabularySize: Int
    /// Ids that end a request with `stopAtEOS`.
    public let eosTokenIDs: Set<Int32>
    /// The tokenizer requests are encoded and decoded with.
    public let tokenizer: any EngineTokenizer
    /// Scheduling limits.
    public let options: Options
    private let condition = NSCondition()
    private var queue: [EngineJob] = []
    private var cancelledIDs: Set<UInt64> = []
    /// Ids handed out and not yet answered (stale cancellations are pruned against it).
    private var registered: Set<UInt64> = []
    private var nextID: UInt64 = 0
    private var started = false
    private var isShutDown = false
    private var stats = Statistics()
    private let runner: BatchRunner

    /// Creates an engine that takes ownership of `model` (do not use it
    /// elsewhere afterwards). The worker thread starts with the first request.
    /// - Parameters:
    ///   - model: the model to serve (aepo-gpt's `GPT` or an `HFModel`).
    ///   - tokenizer: its tokenizer (used to decode and match stop strings).
    ///   - options: scheduling limits.
    public init(model: any EngineModel, tokenizer: any EngineTokenizer, options: Options = Options()) {
        contextLength = model.contextLength
        vocabularySize = model.vocabularySize
        eosTokenIDs = model.eosTokenIDs
        self.tokenizer = tokenizer
        self.options = options
        runner = BatchRunner(model: model, tokenizer: tokenizer, slots: options.maxBatchSize)
    }

    deinit {
        shutdown()
    }

    /// Scheduling counters so far.
    public var statistics: Statistics {
        condition.withLock { stats }
    }

    /// Requests queued or running. An answered request leaves the count at
    /// the end of the engine step that answered it, just after its caller resumes.
    public var pendingRequests: Int {
        condition.withLock { registered.count }
    }

    /// Generates a continuation of `request.prompt`.
    /// - Returns: the output; its text excludes the matched stop string.
    /// - Throws: `EngineError` for an invalid request, cancellation, or shutdown.
    public func generate(_ request: EngineRequest) async throws(EngineError) -> EngineOutput {
        try await generate(request, onProgress: nil)
    }

    /// Generates a continuation of `request.prompt`, telling `onProgress` of
    /// its text as it becomes final (for streaming), then of its end.
    /// - Parameters:
    ///   - request: the request.
    ///   - onProgress: called on the engine's worker thread, between two
    ///     forward passes: it must return at once (hand the event on).
    /// - Returns: the output; its text excludes the matched stop string.
    /// - Throws: `EngineError` for an invalid request, cancellation, or shutdown.
    public func generate(
        _ request: EngineRequest, onProgress: (@Sendable (EngineProgress) -> Void)?
    ) async throws(EngineError) -> EngineOutput {
        try request.validate(contextLength: contextLength, vocabSize: vocabularySize)
        let id = condition.withLock {
            nextID += 1
            registered.insert(nextID)
            return nextID
        }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                enqueue(EngineJob(id: id, request: request, continuation: continuation, onProgress: onProgress))
            }
        } onCancel: {
            condition.withLock {
                cancelledIDs.insert(id)
                condition.signal()
            }
        }
        return try result.get()
    }

    /// Stops the worker; queued and running requests fail with `.shutDown`.
    public func shutdown() {
        condition.withLock {
            isShutDown = true
            condition.signal()
        }
    }

    private func enqueue(_ job: EngineJob) {
        let refusal: EngineError? = condition.withLock {
            if isShutDown || cancelledIDs.contains(job.id) {
                registered.remove(job.id)
                cancelledIDs.remove(job.id)
                return isShutDown ? .shutDown : .cancelled
            }
            queue.append(job)
            if !started {
                started = true
                let thread = Thread { [self] in workerLoop() }
                thread.name = "aepo.inference"
                thread.start()
            }
            condition.signal()
            return nil
        }
        if let refusal { job.continuation.resume(returning: .failure(refusal)) }
    }

    /// The worker thread: admit, cancel, step, until shut down.
    private func workerLoop() {
        while true {
            condition.lock()
            while queue.isEmpty && !runner.hasActive && !isShutDown { condition.wait() }
            if isShutDown {
                let waiting = queue
                queue.removeAll()
                condition.unlock()
                for job in waiting { job.continuation.resume(returning: .failure(.shutDown)) }
                let failed = runner.failAll(.shutDown)
                runner.shutdownModel()
                condition.withLock { stats.completed += waiting.count + failed.count }
                return
            }
            let idle = !runner.hasActive
            condition.unlock()
            if idle && options.batchingWindow > .zero { Thread.sleep(forTimeInterval: options.batchingWindow.seconds) }
            condition.lock()
            let cancelled = cancelledIDs
            let dropped = queue.filter { cancelled.contains($0.id) }
            queue.removeAll { cancelled.contains($0.id) }
            let admitted = Array(queue.prefix(runner.freeSlots))
            queue.removeFirst(admitted.count)
            condition.unlock()
            for job in dropped { job.continuation.resume(returning: .failure(.cancelled)) }
            var resolved = dropped.map(\.id) + runner.cancel(ids: cancelled)
            for job in admitted where !runner.admit(job) { resolved.append(job.id) }
            let (finished, batch) = runner.step()
            resolved += finished
            condition.withLock {
                registered.subtract(resolved)
                cancelledIDs.formIntersection(registered)
                if batch > 0 { stats.steps += 1 }
                stats.largestBatch = max(stats.largestBatch, batch)
                stats.completed += resolved.count
            }
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
