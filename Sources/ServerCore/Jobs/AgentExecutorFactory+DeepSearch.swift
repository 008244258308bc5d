import Benchmarks
import Foundation

/// Building an evaluation's deep search from its validated settings.
extension AgentExecutorFactory {
    /// The deep search of `settings`: the search API behind the search
    /// cache (Serper's answers share the `web` backend's entries, since the
    /// request is the same), the page fetcher, the summariser and the
    /// SQLite page and summary cache.
    /// - Throws: `CoreError.invalid("not_configured")` when a named key is
    ///   missing from the server's environment.
    func deepSearch(_ settings: SearchSettings, cache: SearchCache) throws -> DeepSearch {
        let shape = settings.api ?? .serper
        let url = settings.url ?? shape.defaultURL
        let key = try self.key(settings.keyEnv ?? SearchSettings.DeepDefaults.keyEnv, for: "the deep search's web search API")
        let api = WebSearchAPI(apiKey: key, url: url, shape: shape)
        let cacheKey = shape == .serper ? "web:\(url)" : "\(shape.rawValue):\(url)"
        guard let summary = settings.summarizer else {
            throw CoreError.invalid("invalid_evaluation", "search.summarizer is required for the deep backend")
        }
        let summaryKey = try summary.apiKeyEnv.map { try self.key($0, for: "the deep search's summariser") }
        let endpoint = OpenAIEndpoint(baseURL: summary.url, model: summary.model, apiKey: summaryKey)
        let timeout = settings.pageTimeoutSeconds ?? SearchSettings.DeepDefaults.pageTimeoutSeconds
        return DeepSearch(
            api: CachedSearch(backend: api, cache: cache, key: cacheKey),
            fetcher: PageFetcher(
                timeout: .milliseconds(Int64((timeout * 1000).rounded())),
                maxBytes: settings.pageMaxBytes ?? SearchSettings.DeepDefaults.pageMaxBytes,
                maxRedirects: settings.maxRedirects ?? SearchSettings.DeepDefaults.maxRedirects),
            summarizer: SearchSummarizer(
                client: OpenAIChatClient(endpoint: endpoint, logger: logger),
                maxTokens: summary.maxTokens ?? SearchSettings.DeepDefaults.summaryMaxTokens,
                temperature: summary.temperature ?? SearchSettings.DeepDefaults.summaryTemperature),
            cache: DeepSearchStore(database: database),
            pages: settings.pages ?? SearchSettings.DeepDefaults.pages,
            windowCharacters: settings.windowChars ?? SearchSettings.DeepDefaults.windowChars,
            logger: logger)
    }

    /// The value of the environment variable `name`, which must be set.
    func key(_ name: String, for use: String) throws -> String {
        try KeyVariable.value(of: name, in: config.environment, for: use)
    }
}
