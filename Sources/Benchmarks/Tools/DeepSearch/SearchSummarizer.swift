import Foundation

/// The deep search's summariser: a model on any OpenAI-compatible chat
/// endpoint that reads the search results for the question, the reasoning
/// so far and the query (`SummaryPrompt`) and writes what the model sees
/// as the search result. A reasoning model's `<think>…</think>` block is
/// removed from its answer.
public struct SearchSummarizer: Sendable {
    /// One search result as the summariser sees it.
    public struct Page: Sendable, Hashable {
        /// The result's title.
        public var title: String?
        /// The result's address.
        public var url: String?
        /// A window of the page's text, or the engine's snippet.
        public var text: String
        /// Whether `text` is a window of the page (else the snippet).
        public var isExcerpt: Bool

        /// Creates a page.
        public init(title: String?, url: String?, text: String, isExcerpt: Bool) {
            self.title = title
            self.url = url
            self.text = text
            self.isExcerpt = isExcerpt
        }
    }

    /// The chat client (endpoint, model, key, retries).
    public var client: OpenAIChatClient
    /// How the summary is sampled: the given temperature and token limit,
    /// the vLLM extensions neutral.
    public var sampling: SamplingParameters

    /// The most characters of the reasoning the summariser is shown: the
    /// last three quarters of the room go to its end, where the query
    /// comes from, the rest to its start, where the plan is.
    public static let reasoningBudget = 8000

    /// Creates a summariser.
    /// - Parameters:
    ///   - client: the chat client.
    ///   - maxTokens: the most tokens of a summary (default 4096, the
    ///     authors' figure: a reasoning model thinks first).
    ///   - temperature: the sampling temperature (default 0, greedy).
    public init(client: OpenAIChatClient, maxTokens: Int = 4096, temperature: Double = 0) {
        self.client = client
        self.sampling = SamplingParameters(
            temperature: temperature, topP: 1, topK: -1, repetitionPenalty: 1, maxTokens: maxTokens)
    }

    /// The request's messages.
    /// - Parameters:
    ///   - query: the search query.
    ///   - context: the question and the reasoning so far.
    ///   - pages: the search results, best first.
    public func messages(query: String, context: SearchContext, pages: [Page]) -> [ChatMessage] {
        let reasoning = Self.excerpt(of: context.reasoning.trimmed, budget: Self.reasoningBudget)
        return [
            .system(SummaryPrompt.system),
            .user(SummaryPrompt.user(query: query, question: context.question.trimmed, reasoning: reasoning, pages: pages)),
        ]
    }

    /// The cache key of a request: the SHA-256 of everything that shapes
    /// the answer (route, model, sampling, messages), as canonical JSON.
    public func cacheKey(for messages: [ChatMessage]) -> String {
        struct Key: Encodable {
            let url: String
            let model: String
            let sampling: SamplingParameters
            let messages: [ChatMessage]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let key = Key(url: client.endpoint.url("chat/completions"), model: client.endpoint.model, sampling: sampling, messages: messages)
        // Encoding strings and numbers cannot fail; the fallback only keeps the signature total.
        let data = (try? encoder.encode(key)) ?? Data("\(key)".utf8)
        return DatasetParser.sha256Hex(of: data)
    }

    /// Asks for the summary.
    /// - Returns: the answer without its `<think>` block, trimmed.
    /// - Throws: `HTTPCallError`; `.invalidResponse` when nothing is left
    ///   once the thinking is removed.
    public func summarize(_ messages: [ChatMessage]) async throws(HTTPCallError) -> String {
        let completion = try await client.chat(messages, sampling: sampling)
        let summary = LLMJudge.withoutThinking(completion.text).trimmed
        guard !summary.isEmpty else { throw .invalidResponse("the summary is empty once its <think> block is removed") }
        return summary
    }

    /// `text` cut to `budget` characters around a marker: a quarter of the
    /// room for its start, the rest for its end.
    static func excerpt(of text: String, budget: Int) -> String {
        guard text.count > budget else { return text }
        let marker = String.omissionMarker(text.count)
        let room = max(0, budget - marker.count)
        let head = room / 4
        return String(text.prefix(head)) + String.omissionMarker(text.count - room) + String(text.suffix(room - head))
    }
}
