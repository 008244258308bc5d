import Foundation
import NIOHTTP1

/// Calls routed over an endpoint's replicas, and keeping keys out of errors.
extension RetryingHTTPClient {
    /// POSTs `body` as JSON to `route` under one of `replicas` and returns
    /// the 2xx answer body. Each attempt leases a replica (the least-loaded
    /// healthy one) instead of a permit of `limiter`, and tells the pool what
    /// happened, so a retry goes to another replica when this one failed.
    /// - Parameters:
    ///   - route: the path under each replica's base, e.g. `completions`.
    ///   - replicas: the endpoint's replicas.
    ///   - body: the JSON body.
    /// - Throws: as `postJSON(to:body:)`.
    public func postJSON(route: String, on replicas: ReplicaPool, body: Data) async throws(HTTPCallError) -> Data {
        try await call(.replicas(replicas, route: route), body: body)
    }

    /// What an attempt says of the replica that served it: transport
    /// failures, timeouts, 5xx and 429 are the replica's; any other answer,
    /// a 400 (vLLM's context overflow) or a 401 included, is the model's.
    static func replicaOutcome(of result: Result<Data, HTTPCallError>) -> ReplicaPool.Outcome {
        switch result {
        case .success: return .answered
        case .failure(.cancelled): return .abandoned
        case .failure(.transport), .failure(.timedOut): return .failed
        case .failure(.status(let code, _)): return code == 429 || (500...599).contains(code) ? .failed : .answered
        case .failure: return .answered
        }
    }

    /// `text` with every credential this client sends (the `Authorization`
    /// bearer key, a header named like a key or token) replaced by `[redacted]`.
    func redactingSecrets(_ text: String) -> String {
        var secrets: [String] = []
        for header in headers {
            let name = header.name.lowercased()
            guard name == "authorization" || name.contains("key") || name.contains("token") else { continue }
            var value = header.value
            if value.lowercased().hasPrefix("bearer ") { value = String(value.dropFirst(7)) }
            value = value.trimmingCharacters(in: .whitespaces)
            if value.count >= 4 { secrets.append(value) }
        }
        guard !secrets.isEmpty else { return text }
        var redacted = text
        for secret in secrets { redacted = redacted.replacingOccurrences(of: secret, with: "[redacted]") }
        return redacted
    }
}
