/// Whether one replica of an endpoint takes requests: a small circuit
/// breaker. A replica is healthy until a call to it fails at the transport
/// level or with 5xx / 429; it is then skipped for a back-off period
/// (`Backoff`: 1 s doubling to 30 s by default), after which one request at a
/// time probes it. A probe that succeeds makes it healthy again; a probe that
/// fails doubles the back-off. Failures of requests that were already in
/// flight when the replica went down do not lengthen its back-off, so one
/// outage costs one back-off step, not one per request it broke. Pure: time
/// is passed in, as the offset from any fixed origin.
public struct ReplicaHealth: Sendable, Equatable {
    /// How long a failed replica is skipped: `base · 2^level`, at most `max`.
    public struct Backoff: Sendable, Hashable {
        /// The first back-off (default 1 s).
        public var base: Duration
        /// The longest back-off (default 30 s).
        public var max: Duration

        /// Creates a back-off; see the properties for the defaults.
        public init(base: Duration = .seconds(1), max: Duration = .seconds(30)) {
            self.base = base
            self.max = Swift.max(base, max)
        }

        /// The back-off after `level` consecutive failed probes (0: the first failure).
        public func delay(level: Int) -> Duration {
            var delay = base
            for _ in 0..<Swift.max(0, Swift.min(level, 40)) where delay < max { delay *= 2 }
            return Swift.min(delay, max)
        }
    }

    /// What a replica may take now.
    public enum Availability: Sendable, Equatable {
        /// Requests up to its permits.
        case open
        /// One probe request, nothing else until it answers.
        case probe
        /// Nothing: it is backing off.
        case closed
    }

    /// The breaker's state.
    public enum State: Sendable, Equatable {
        case healthy
        /// Skipped until `until`; `level` failed probes so far.
        case backingOff(until: Duration, level: Int)
    }

    /// The current state.
    public private(set) var state: State = .healthy

    /// A healthy replica.
    public init() {}

    /// Whether the replica is healthy (not backing off nor waiting for a probe).
    public var isHealthy: Bool { state == .healthy }

    /// What the replica may take at `now`, with `inFlight` requests on it.
    public func availability(at now: Duration, inFlight: Int) -> Availability {
        switch state {
        case .healthy: return .open
        case .backingOff(let until, _): return now >= until && inFlight == 0 ? .probe : .closed
        }
    }

    /// Records a request's answer from the replica (any answer that is not
    /// a replica failure, 4xx included): a probe's success closes the breaker.
    public mutating func recordSuccess(probe: Bool) {
        if probe { state = .healthy }
    }

    /// Records a replica failure (transport, timeout, 5xx, 429) at `now`.
    /// - Parameters:
    ///   - probe: whether the request was the probe.
    ///   - backoff: the back-off schedule.
    public mutating func recordFailure(probe: Bool, at now: Duration, backoff: Backoff) {
        switch state {
        case .healthy:
            state = .backingOff(until: now + backoff.delay(level: 0), level: 0)
        case .backingOff(_, let level) where probe:
            state = .backingOff(until: now + backoff.delay(level: level + 1), level: level + 1)
        case .backingOff:
            break  // a request sent before the replica was marked: already counted
        }
    }
}
