import Benchmarks

/// One concurrency limiter per endpoint (url + model), shared by every
/// evaluation of it, so `max_concurrency` holds across evaluations.
package actor EndpointLimiters {
    private var limiters: [String: ConcurrencyLimiter] = [:]

    package func limiter(for endpoint: OpenAIEndpoint) -> ConcurrencyLimiter {
        let key = endpoint.baseURL + "\u{1F}" + endpoint.model
        if let existing = limiters[key] { return existing }
        let limiter = ConcurrencyLimiter(limit: endpoint.maxConcurrency)
        limiters[key] = limiter
        return limiter
    }
}
