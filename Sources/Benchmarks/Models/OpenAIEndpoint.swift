import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1

/// An OpenAI-compatible server (vLLM, SGLang, …) serving one model, or
/// several replicas of it sharing the load.
public struct OpenAIEndpoint: Sendable, Hashable {
    /// Every replica's API base, e.g. `http://host:8000/v1` (a trailing `/`
    /// is ignored); never empty.
    public private(set) var baseURLs: [String]
    /// The API base of the first (or only) replica.
    public var baseURL: String {
        get { baseURLs[0] }
        set { baseURLs[0] = newValue }
    }
    /// The served model name sent as `model`.
    public var model: String
    /// Sent as `Authorization: Bearer <key>` when set.
    public var apiKey: String?
    /// Requests in flight at once on each replica (default 16), when the
    /// client makes its own limiter or replica pool.
    public var maxConcurrency: Int
    /// Time allowed for one request, in seconds (default 600).
    public var requestTimeoutSeconds: Double
    /// Retry timing (default: 5 attempts, 0.5 s doubling to 8 s, jitter).
    public var retry: RetryPolicy

    /// Creates an endpoint description; see the properties for the defaults.
    /// - Parameters:
    ///   - baseURL: the first (or only) replica's API base.
    ///   - otherReplicas: the API bases of further replicas of the same model.
    public init(
        baseURL: String, model: String, apiKey: String? = nil, maxConcurrency: Int = 16,
        requestTimeoutSeconds: Double = 600, retry: RetryPolicy = RetryPolicy(), otherReplicas: [String] = []
    ) {
        self.baseURLs = [baseURL] + otherReplicas
        self.model = model
        self.apiKey = apiKey
        self.maxConcurrency = maxConcurrency
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.retry = retry
    }

    /// The URL of a route under the first replica's base, e.g. `url("completions")`.
    public func url(_ route: String) -> String {
        Self.join(baseURL, route)
    }

    /// `route` under `base`, whatever slashes `base` ends with.
    static func join(_ base: String, _ route: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/" + route
    }
}

/// The machinery the OpenAI clients share: the retrying HTTP client set up
/// for an endpoint, JSON encoding and answer decoding. Calls go through the
/// replica pool when there is one (given, or made for an endpoint of several
/// replicas), else to the one base URL under the limiter.
struct OpenAITransport: Sendable {
    let endpoint: OpenAIEndpoint
    let http: RetryingHTTPClient
    let replicas: ReplicaPool?

    /// - Parameter client: nil: `RetryingHTTPClient.failFastClient` for
    ///   several replicas (a replica that refuses connections fails over at
    ///   once), else `RetryingHTTPClient.defaultClient`.
    init(endpoint: OpenAIEndpoint, limiter: ConcurrencyLimiter?, replicas: ReplicaPool? = nil, client: HTTPClient?, logger: Logger) {
        var headers = HTTPHeaders()
        if let key = endpoint.apiKey, !key.isEmpty { headers.add(name: "Authorization", value: "Bearer \(key)") }
        self.endpoint = endpoint
        let replicaCount = replicas?.baseURLs.count ?? endpoint.baseURLs.count
        let chosen = client ?? (replicaCount > 1 ? RetryingHTTPClient.failFastClient : RetryingHTTPClient.defaultClient)
        self.http = RetryingHTTPClient(
            client: chosen, retry: endpoint.retry,
            requestTimeout: .milliseconds(Int64((endpoint.requestTimeoutSeconds * 1000).rounded())),
            limiter: limiter ?? ConcurrencyLimiter(limit: endpoint.maxConcurrency), headers: headers,
            logger: logger)
        self.replicas = replicas
            ?? (endpoint.baseURLs.count > 1
                ? ReplicaPool(baseURLs: endpoint.baseURLs, permitsPerReplica: endpoint.maxConcurrency) : nil)
    }

    /// POSTs `body` to `route` and decodes the first choice.
    func call(route: String, body: some Encodable) async throws(HTTPCallError) -> Completion {
        let data: Data
        do {
            data = try JSONEncoder().encode(body)
        } catch {
            throw .invalidResponse("cannot encode the request: \(error)")
        }
        let answer: Data
        if let replicas {
            answer = try await http.postJSON(route: route, on: replicas, body: data)
        } else {
            answer = try await http.postJSON(to: endpoint.url(route), body: data)
        }
        let decoded: OpenAIWire.Answer
        do {
            decoded = try JSONDecoder().decode(OpenAIWire.Answer.self, from: answer)
        } catch {
            let excerpt = String(decoding: answer.prefix(300), as: UTF8.self)
            throw .invalidResponse("not an OpenAI answer (\(error)): \(excerpt)")
        }
        guard let choice = decoded.choices.first else { throw .invalidResponse("no choices in the answer") }
        return Completion(
            text: choice.text ?? choice.message?.content ?? "",
            matchedStop: choice.stopReason?.text ?? choice.matchedStop?.text,
            finishReason: .init(openAI: choice.finishReason),
            usage: decoded.usage.map {
                .init(promptTokens: $0.promptTokens, completionTokens: $0.completionTokens)
            })
    }
}
