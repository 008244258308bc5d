/// Picks the replica for the next request: the least-loaded one that may
/// take it, ties broken round-robin. Pure.
public enum ReplicaChoice {
    /// One replica as the choice sees it.
    public struct Candidate: Sendable, Equatable {
        /// Requests in flight on it.
        public var inFlight: Int
        /// Its permits (`max_concurrency`).
        public var permits: Int
        /// What it may take now.
        public var availability: ReplicaHealth.Availability

        /// Creates a candidate.
        public init(inFlight: Int, permits: Int, availability: ReplicaHealth.Availability = .open) {
            self.inFlight = inFlight
            self.permits = permits
            self.availability = availability
        }

        /// Whether it can take one request more.
        var canTake: Bool {
            switch availability {
            case .open: inFlight < permits
            case .probe: inFlight == 0 && permits > 0
            case .closed: false
            }
        }
    }

    /// The index of the replica to use, or nil when none can take a request.
    ///
    /// Load is `inFlight / permits`, compared exactly (cross-multiplied).
    /// Among equally loaded replicas the first at or after `cursor`
    /// (cyclically) wins, so a caller that moves the cursor past each choice
    /// spreads ties round-robin.
    /// - Parameters:
    ///   - candidates: the replicas in their fixed order.
    ///   - cursor: where the round-robin stands.
    public static func choose(_ candidates: [Candidate], cursor: Int) -> Int? {
        let count = candidates.count
        guard count > 0 else { return nil }
        var best: Int?
        for step in 0..<count {
            let index = (cursor % count + count + step) % count
            let candidate = candidates[index]
            guard candidate.canTake else { continue }
            if let current = best {
                let other = candidates[current]
                // a/p < b/q  <=>  a·q < b·p  (permits are positive)
                if candidate.inFlight * other.permits < other.inFlight * candidate.permits { best = index }
            } else {
                best = index
            }
        }
        return best
    }
}
