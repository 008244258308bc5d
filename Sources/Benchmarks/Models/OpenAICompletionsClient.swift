import AsyncHTTPClient
import Logging

/// A `CompletionModel` on an OpenAI-compatible `/completions` route (vLLM,
/// SGLang): the agent loop's default client for remote models.
///
/// Each call POSTs `{model, prompt, stop, max_tokens, temperature, top_p,
/// top_k, repetition_penalty, seed, n: 1}` to `{base}/completions` and reads
/// `choices[0].text`, `finish_reason` and vLLM's `stop_reason` (the matched
/// stop string, which the text leaves out). Calls hold a permit of the
/// endpoint's limiter, time out, and are retried on 408 / 429 / 5xx,
/// timeouts and connection failures (`RetryPolicy`); cancelling the task
/// cancels the request.
public struct OpenAICompletionsClient: CompletionModel {
    let transport: OpenAITransport

    /// The endpoint this client calls.
    public var endpoint: OpenAIEndpoint { transport.endpoint }
    /// The limiter the client's requests hold (when they go to one base URL).
    public var limiter: ConcurrencyLimiter? { transport.replicas == nil ? transport.http.limiter : nil }
    /// The replicas the client's requests are spread over, if any.
    public var replicas: ReplicaPool? { transport.replicas }

    /// Creates a client.
    /// - Parameters:
    ///   - endpoint: the server, model, limits and retry timing.
    ///   - limiter: a limiter shared with the endpoint's other clients;
    ///     `nil` makes one of `endpoint.maxConcurrency` permits.
    ///   - replicas: the endpoint's replicas, shared with its other clients;
    ///     when set, requests lease a replica instead of a permit of `limiter`
    ///     (`nil`: a pool of its own for an endpoint of several replicas).
    ///   - httpClient: the HTTP client; nil: `RetryingHTTPClient.defaultClient`,
    ///     or its `failFastClient` for several replicas.
    ///   - logger: where retries are logged.
    public init(
        endpoint: OpenAIEndpoint, limiter: ConcurrencyLimiter? = nil, replicas: ReplicaPool? = nil,
        httpClient: HTTPClient? = nil,
        logger: Logger = Logger(label: "aepo.model")
    ) {
        transport = OpenAITransport(
            endpoint: endpoint, limiter: limiter, replicas: replicas, client: httpClient, logger: logger)
    }

    /// Generates one continuation of `request.prompt`.
    /// - Throws: `HTTPCallError` after the retries, or `.cancelled`.
    public func complete(_ request: CompletionRequest) async throws(HTTPCallError) -> Completion {
        let body = OpenAIWire.CompletionsBody(
            model: endpoint.model, prompt: request.prompt, stop: request.stop,
            sampling: .init(request.sampling, seed: request.seed), addSpecialTokens: request.addSpecialTokens)
        return try await transport.call(route: "completions", body: body)
    }
}
