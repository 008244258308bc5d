import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1

/// An OpenAI-compatible server (vLLM, SGLang, …) serving one model.
public struct OpenAIEndpoint: Sendable, Hashable {
    /// The API base, e.g. `http://host:8000/v1` (a trailing `/` is ignored).
    public var baseURL: String
    /// The served model name sent as `model`.
    public var model: String
    /// Sent as `Authorization: Bearer <key>` when set.
    public var apiKey: String?
    /// Requests in flight at once (default 16), when the client makes its
    /// own limiter.
    public var maxConcurrency: Int
    /// Time allowed for one request, in seconds (default 600).
    public var requestTimeoutSeconds: Double
    /// Retry timing (default: 5 attempts, 0.5 s doubling to 8 s, jitter).
    public var retry: RetryPolicy

    /// Creates an endpoint description; see the properties for the defaults.
    public init(
        baseURL: String, model: String, apiKey: String? = nil, maxConcurrency: Int = 16,
        requestTimeoutSeconds: Double = 600, retry: RetryPolicy = RetryPolicy()
    ) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.maxConcurrency = maxConcurrency
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.retry = retry
    }

    /// The URL of a route under the base, e.g. `url("completions")`.
    public func url(_ route: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/" + route
    }
}

/// The machinery the OpenAI clients share: the retrying HTTP client set up
/// for an endpoint, JSON encoding and answer decoding.
struct OpenAITransport: Sendable {
    let endpoint: OpenAIEndpoint
    let http: RetryingHTTPClient

    init(endpoint: OpenAIEndpoint, limiter: ConcurrencyLimiter?, client: HTTPClient, logger: Logger) {
        var headers = HTTPHeaders()
        if let key = endpoint.apiKey, !key.isEmpty { headers.add(name: "Authorization", value: "Bearer \(key)") }
        self.endpoint = endpoint
        self.http = RetryingHTTPClient(
            client: client, retry: endpoint.retry,
            requestTimeout: .milliseconds(Int64((endpoint.requestTimeoutSeconds * 1000).rounded())),
            limiter: limiter ?? ConcurrencyLimiter(limit: endpoint.maxConcurrency), headers: headers,
            logger: logger)
    }

    /// POSTs `body` to `route` and decodes the first choice.
    func call(route: String, body: some Encodable) async throws(HTTPCallError) -> Completion {
        let data: Data
        do {
            data = try JSONEncoder().encode(body)
        } catch {
            throw .invalidResponse("cannot encode the request: \(error)")
        }
        let answer = try await http.postJSON(to: endpoint.url(route), body: data)
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
