/// The replicas of one endpoint, shared by every client of it: each replica
/// has `permitsPerReplica` permits (its `max_concurrency`) and a
/// ``ReplicaHealth``. A request leases the least-loaded replica that may take
/// it (``ReplicaChoice``), waiting in arrival order (FIFO) when every such
/// replica is full, and returns the lease with what happened, which steers
/// the replica's health.
///
/// While at least one replica is healthy, replicas backing off are skipped
/// (a replica whose back-off is over takes one probe request). When none is
/// healthy, health is ignored and every replica takes requests up to its
/// permits: the callers' retry policy bounds what a dead endpoint costs, and
/// nothing stalls waiting for a clock. With one replica the pool is thus a
/// plain concurrency limiter.
public actor ReplicaPool {
    /// One request's hold on a replica; give it back with `release(_:_:)`.
    public struct Lease: Sendable, Equatable {
        /// The replica's position in `baseURLs`.
        public let index: Int
        /// The replica's API base, e.g. `http://a:8000/v1`.
        public let baseURL: String
        /// Whether this request tests a replica that is not healthy.
        public let probe: Bool
    }

    /// How a leased request ended, as far as the replica's health goes.
    public enum Outcome: Sendable, Equatable {
        /// The replica answered (a 2xx, or a 4xx other than 429: the model's answer).
        case answered
        /// The replica failed: transport error, timeout, 5xx or 429.
        case failed
        /// The request was cancelled before an answer: says nothing of the replica.
        case abandoned
    }

    /// Every replica's API base, in registration order.
    public nonisolated let baseURLs: [String]
    /// Permits of each replica.
    public nonisolated let permitsPerReplica: Int
    /// How long a failed replica is skipped.
    public nonisolated let backoff: ReplicaHealth.Backoff
    private let now: @Sendable () -> Duration
    private var inFlightCounts: [Int]
    private var healths: [ReplicaHealth]
    private var servedCounts: [Int]
    private var cursor = 0
    private var queue: [ReplicaWaiter] = []

    /// Creates a pool.
    /// - Parameters:
    ///   - baseURLs: the replicas' API bases (at least one).
    ///   - permitsPerReplica: requests in flight at once on each replica (at least 1).
    ///   - backoff: how long a failed replica is skipped (default 1 s doubling to 30 s).
    ///   - now: the time as an offset from a fixed origin; nil: the continuous clock.
    public init(
        baseURLs: [String], permitsPerReplica: Int, backoff: ReplicaHealth.Backoff = .init(),
        now: (@Sendable () -> Duration)? = nil
    ) {
        self.baseURLs = baseURLs
        self.permitsPerReplica = max(1, permitsPerReplica)
        self.backoff = backoff
        let origin = ContinuousClock.now
        self.now = now ?? { ContinuousClock.now - origin }
        inFlightCounts = Array(repeating: 0, count: baseURLs.count)
        healths = Array(repeating: ReplicaHealth(), count: baseURLs.count)
        servedCounts = Array(repeating: 0, count: baseURLs.count)
    }

    /// Requests in flight on each replica.
    public var inFlight: [Int] { inFlightCounts }
    /// Each replica's health.
    public var health: [ReplicaHealth] { healths }
    /// Leases granted on each replica so far.
    public var served: [Int] { servedCounts }
    /// Tasks waiting for a lease.
    public var waiting: Int { queue.filter { !$0.gate.isCancelled }.count }

    /// Waits for a replica that may take a request and leases it.
    /// - Throws: `CancellationError` when the task is (or gets) cancelled first.
    public func acquire() async throws(CancellationError) -> Lease {
        if Task.isCancelled { throw CancellationError() }
        queue.removeAll { $0.gate.isCancelled }
        dispatch()
        if queue.isEmpty, let lease = takeLease() { return lease }
        let waiter = ReplicaWaiter()
        queue.append(waiter)
        try await waiter.gate.wait()
        // Set on this actor before the grant, so it is there once granted.
        guard let lease = waiter.lease else { throw CancellationError() }
        return lease
    }

    /// Gives a lease back, recording what the request found.
    public func release(_ lease: Lease, _ outcome: Outcome) {
        guard baseURLs.indices.contains(lease.index) else { return }
        inFlightCounts[lease.index] = max(0, inFlightCounts[lease.index] - 1)
        switch outcome {
        case .answered: healths[lease.index].recordSuccess(probe: lease.probe)
        case .failed: healths[lease.index].recordFailure(probe: lease.probe, at: now(), backoff: backoff)
        case .abandoned: break
        }
        dispatch()
    }

    /// Hands free replicas to the waiters, first come first served.
    private func dispatch() {
        while let waiter = queue.first {
            if waiter.gate.isCancelled {
                queue.removeFirst()
                continue
            }
            guard let lease = takeLease() else { return }
            queue.removeFirst()
            waiter.lease = lease
            if !waiter.gate.grant() {
                // Cancelled meanwhile: the lease was never used.
                inFlightCounts[lease.index] -= 1
                servedCounts[lease.index] -= 1
            }
        }
    }

    /// Leases the replica ``ReplicaChoice`` picks now, if any may take a request.
    private func takeLease() -> Lease? {
        let time = now()
        let anyHealthy = healths.contains { $0.isHealthy }
        let candidates = baseURLs.indices.map { index in
            ReplicaChoice.Candidate(
                inFlight: inFlightCounts[index], permits: permitsPerReplica,
                availability: anyHealthy ? healths[index].availability(at: time, inFlight: inFlightCounts[index]) : .open)
        }
        guard let index = ReplicaChoice.choose(candidates, cursor: cursor) else { return nil }
        cursor = (index + 1) % baseURLs.count
        inFlightCounts[index] += 1
        servedCounts[index] += 1
        // Any request on a replica that is not healthy tests it: its answer
        // heals the replica, its failure lengthens the back-off.
        return Lease(index: index, baseURL: baseURLs[index], probe: !healths[index].isHealthy)
    }
}

/// A task waiting on a `ReplicaPool`: the grant-or-cancel race of
/// `LimiterWaiter`, and the lease the pool picked for it. Only the pool's
/// actor touches `lease`.
final class ReplicaWaiter: @unchecked Sendable {
    let gate = LimiterWaiter()
    var lease: ReplicaPool.Lease?
}
