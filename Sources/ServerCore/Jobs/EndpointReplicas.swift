import Benchmarks

/// One replica pool per endpoint (its replicas + model), shared by every
/// evaluation of it, so `max_concurrency` holds per replica across
/// evaluations and a replica found down is skipped by all of them.
package actor EndpointReplicas {
    private var pools: [String: ReplicaPool] = [:]

    /// The pool of `endpoint`'s replicas, made with `endpoint.maxConcurrency`
    /// permits each the first time it is asked for.
    package func replicas(for endpoint: OpenAIEndpoint) -> ReplicaPool {
        let key = (endpoint.baseURLs + [endpoint.model]).joined(separator: "\u{1F}")
        if let existing = pools[key] { return existing }
        let pool = ReplicaPool(baseURLs: endpoint.baseURLs, permitsPerReplica: endpoint.maxConcurrency)
        pools[key] = pool
        return pool
    }
}
