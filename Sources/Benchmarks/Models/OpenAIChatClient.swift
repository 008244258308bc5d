import AsyncHTTPClient
import Logging

/// A `CompletionModel` on an OpenAI-compatible `/chat/completions` route,
/// for servers that only serve chat, and the judge's client.
///
/// The agent protocol still works: the request's turns become a system and
/// a user message, and the trajectory so far a final assistant message that
/// vLLM continues (`"continue_final_message": true,
/// "add_generation_prompt": false`). On the first call (no trajectory yet)
/// no assistant message is sent and the server adds the generation prompt.
/// A request without turns is sent as one user message. Same limiter,
/// timeout and retries as `OpenAICompletionsClient`.
public struct OpenAIChatClient: CompletionModel {
    let transport: OpenAITransport
    /// vLLM's `chat_template_kwargs`, sent with every agent call (nil: none).
    public var chatTemplateKwargs: [String: JSONValue]?

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
    ///   - chatTemplateKwargs: extra variables for the server's chat template.
    public init(
        endpoint: OpenAIEndpoint, limiter: ConcurrencyLimiter? = nil, replicas: ReplicaPool? = nil,
        httpClient: HTTPClient? = nil,
        logger: Logger = Logger(label: "aepo.model"), chatTemplateKwargs: [String: JSONValue]? = nil
    ) {
        transport = OpenAITransport(
            endpoint: endpoint, limiter: limiter, replicas: replicas, client: httpClient, logger: logger)
        self.chatTemplateKwargs = chatTemplateKwargs
    }

    /// Generates one continuation of the request's assistant turn.
    /// - Throws: `HTTPCallError` after the retries, or `.cancelled`.
    public func complete(_ request: CompletionRequest) async throws(HTTPCallError) -> Completion {
        guard let turns = request.turns else {
            return try await chat(
                [.user(request.prompt)], sampling: request.sampling, stop: request.stop, seed: request.seed)
        }
        var messages: [ChatMessage] = []
        if !turns.system.isEmpty { messages.append(.system(turns.system)) }
        messages.append(.user(turns.user))
        let continuing = !turns.assistant.isEmpty
        if continuing { messages.append(.assistant(turns.assistant)) }
        return try await chat(
            messages, sampling: request.sampling, stop: request.stop, seed: request.seed,
            continueFinalMessage: continuing)
    }

    /// Sends a chat request.
    /// - Parameters:
    ///   - messages: the conversation.
    ///   - sampling: sampling parameters (`maxTokens` for this call).
    ///   - stop: stop strings (left out of the body when empty).
    ///   - seed: the sampling seed, if any.
    ///   - continueFinalMessage: continue the last (assistant) message.
    /// - Returns: the reply as a `Completion`.
    /// - Throws: `HTTPCallError` after the retries, or `.cancelled`.
    public func chat(
        _ messages: [ChatMessage], sampling: SamplingParameters, stop: [String] = [], seed: UInt64? = nil,
        continueFinalMessage: Bool = false
    ) async throws(HTTPCallError) -> Completion {
        let body = OpenAIWire.ChatBody(
            model: endpoint.model, messages: messages, stop: stop, sampling: .init(sampling, seed: seed),
            continueFinalMessage: continueFinalMessage, chatTemplateKwargs: chatTemplateKwargs)
        return try await transport.call(route: "chat/completions", body: body)
    }
}
