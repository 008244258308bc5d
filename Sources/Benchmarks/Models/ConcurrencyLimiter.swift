import Foundation

/// An async semaphore: at most `limit` holders at a time, waiters served in
/// arrival order (FIFO). A waiting task that is cancelled leaves the queue
/// at once with `CancellationError`; a permit granted before the
/// cancellation is kept (the holder releases it as usual).
///
/// Share one limiter between every client of an endpoint so the endpoint's
/// `max_concurrency` holds across evaluations.
public actor ConcurrencyLimiter {
    /// The most permits held at once.
    public nonisolated let limit: Int
    private var held = 0
    private var queue: [LimiterWaiter] = []

    /// Creates a limiter.
    /// - Parameter limit: permits available at once (at least 1).
    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Permits held now.
    public var inUse: Int { held }

    /// Tasks waiting for a permit now.
    public var waiting: Int { queue.filter { !$0.isCancelled }.count }

    /// Waits for a permit; call `release()` exactly once when done.
    /// - Throws: `CancellationError` when the task is (or gets) cancelled
    ///   before a permit is granted.
    public func acquire() async throws(CancellationError) {
        if Task.isCancelled { throw CancellationError() }
        queue.removeAll { $0.isCancelled }
        if held < limit && queue.isEmpty {
            held += 1
            return
        }
        let waiter = LimiterWaiter()
        queue.append(waiter)
        try await waiter.wait()
    }

    /// Returns a permit, handing it to the first waiter still waiting.
    public func release() {
        while !queue.isEmpty {
            if queue.removeFirst().grant() { return }
        }
        held = max(0, held - 1)
    }

    /// Runs `body` holding a permit.
    /// - Throws: `CancellationError` while waiting, or what `body` throws.
    public nonisolated func withPermit<T: Sendable>(
        _ body: @Sendable () async throws -> T
    ) async throws -> T {
        try await acquire()
        do {
            let value = try await body()
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }
}

/// One task waiting on a `ConcurrencyLimiter`; granting and cancelling race
/// under a lock, and exactly one of them wins.
final class LimiterWaiter: @unchecked Sendable {
    private enum State {
        case waiting
        case suspended(CheckedContinuation<Void, any Error>)
        case granted
        case cancelled
    }

    private let lock = NSLock()
    private var state = State.waiting

    /// Whether the waiter gave up.
    var isCancelled: Bool {
        lock.withLock { if case .cancelled = state { true } else { false } }
    }

    /// Suspends until granted; throws `CancellationError` when cancelled first.
    func wait() async throws(CancellationError) {
        do {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    lock.lock()
                    switch state {
                    case .waiting:
                        state = .suspended(continuation)
                        lock.unlock()
                    case .granted:
                        lock.unlock()
                        continuation.resume()
                    case .cancelled, .suspended:
                        lock.unlock()
                        continuation.resume(throwing: CancellationError())
                    }
                }
            } onCancel: {
                cancel()
            }
        } catch {
            throw CancellationError()
        }
    }

    /// Hands the permit over; `false` when the waiter was cancelled.
    func grant() -> Bool {
        lock.lock()
        switch state {
        case .waiting:
            state = .granted
            lock.unlock()
            return true
        case .suspended(let continuation):
            state = .granted
            lock.unlock()
            continuation.resume()
            return true
        case .granted:
            lock.unlock()
            return true
        case .cancelled:
            lock.unlock()
            return false
        }
    }

    private func cancel() {
        lock.lock()
        switch state {
        case .waiting:
            state = .cancelled
            lock.unlock()
        case .suspended(let continuation):
            state = .cancelled
            lock.unlock()
            continuation.resume(throwing: CancellationError())
        case .granted, .cancelled:
            lock.unlock()
        }
    }
}
