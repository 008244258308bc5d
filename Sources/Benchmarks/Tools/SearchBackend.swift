/// One passage or web page a search returned.
public struct SearchHit: Sendable, Hashable, Codable {
    /// The document or page title, when known.
    public var title: String?
    /// The passage text or snippet.
    public var text: String
    /// The backend's relevance score, when it gives one.
    public var score: Double?
    /// The page address, for web results.
    public var url: String?

    /// Creates a hit.
    public init(title: String? = nil, text: String, score: Double? = nil, url: String? = nil) {
        self.title = title
        self.text = text
        self.score = score
        self.url = url
    }
}

/// A search tool backend: a local corpus, an HTTP retriever or a web search
/// API (BENCHMARKS.md, search backends). The server wraps backends in a
/// cache so that a rerun is reproducible.
public protocol SearchBackend: Sendable {
    /// Searches for `query`.
    /// - Parameters:
    ///   - query: the model's query, trimmed.
    ///   - topK: the most hits wanted.
    /// - Returns: the hits, best first; empty when nothing matched.
    /// - Throws: transport or decoding failures (the loop shows them to the
    ///   model as the result and records them), or a cancellation error.
    func search(_ query: String, topK: Int) async throws -> [SearchHit]

    /// The text the model sees inside `<result>` for `query`. The default
    /// formats the hits of `search(_:topK:)`; a backend that writes its own
    /// text from the sample's context (the deep search) implements it.
    /// - Parameters:
    ///   - query: the model's query, trimmed.
    ///   - topK: the most hits wanted.
    ///   - context: the question and the model's text so far.
    ///   - characterBudget: the most characters of the result.
    /// - Returns: the result text, at most `characterBudget` characters.
    /// - Throws: as `search(_:topK:)`.
    func result(for query: String, topK: Int, context: SearchContext, characterBudget: Int) async throws -> String
}

extension SearchBackend {
    /// The hits of `search(_:topK:)`, formatted (`SearchResultFormatter`).
    public func result(
        for query: String, topK: Int, context: SearchContext, characterBudget: Int
    ) async throws -> String {
        SearchResultFormatter.format(try await search(query, topK: topK), characterBudget: characterBudget)
    }
}
