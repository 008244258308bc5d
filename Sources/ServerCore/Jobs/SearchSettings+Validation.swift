import Benchmarks
import Foundation

/// Checking a request's search settings and filling in the deep search's defaults.
extension SearchSettings {
    /// The deep search's defaults (docs/protocol.md compares them with the
    /// AEPO authors' figures).
    package enum DeepDefaults {
        package static let keyEnv = "AEPO_WEB_SEARCH_KEY"
        package static let pages = 5
        package static let windowChars = 6000
        package static let pageTimeoutSeconds = 20.0
        package static let pageMaxBytes = 2 << 20
        package static let maxRedirects = 5
        package static let summaryMaxTokens = 4096
        package static let summaryTemperature = 0.0
    }

    /// The settings checked, with a deep search's defaults filled in.
    /// - Throws: `CoreError.invalid` naming the field and its valid values.
    package func validated() throws -> SearchSettings {
        guard (1...50).contains(topK) else { throw Self.invalid("search.top_k must be between 1 and 50") }
        if backend == .http, url == nil {
            throw Self.invalid("search.url (the retriever's URL) is required for the http backend")
        }
        guard backend == .deep else {
            let given = Self.deepKeys.filter { isSet($0) }.map(\.rawValue)
            guard given.isEmpty else {
                throw Self.invalid(
                    "search.\(given.joined(separator: ", search.")) applies only to the deep backend, not \(backend.rawValue)")
            }
            if let url { _ = try EndpointURL.validate(url) }
            return self
        }
        var deep = self
        let api = api ?? .serper
        deep.api = api
        deep.url = url ?? api.defaultURL
        try Self.checkURL(deep.url ?? "", field: "search.url")
        deep.keyEnv = try Self.checkVariable(keyEnv ?? DeepDefaults.keyEnv, field: "search.key_env")
        deep.pages = pages ?? min(DeepDefaults.pages, topK)
        guard let pages = deep.pages, (1...topK).contains(pages) else {
            throw Self.invalid("search.pages must be between 1 and search.top_k (\(topK))")
        }
        deep.windowChars = try Self.check(windowChars ?? DeepDefaults.windowChars, in: 500...100_000, field: "search.window_chars")
        deep.pageTimeoutSeconds = try Self.check(
            pageTimeoutSeconds ?? DeepDefaults.pageTimeoutSeconds, in: 0.1...300, field: "search.page_timeout_seconds")
        deep.pageMaxBytes = try Self.check(pageMaxBytes ?? DeepDefaults.pageMaxBytes, in: 1024...(64 << 20), field: "search.page_max_bytes")
        deep.maxRedirects = try Self.check(maxRedirects ?? DeepDefaults.maxRedirects, in: 0...20, field: "search.max_redirects")
        guard var summarizer else {
            throw Self.invalid(
                "search.summarizer ({\"url\", \"model\"} of an OpenAI-compatible chat endpoint) is required for the deep backend")
        }
        try Self.checkURL(summarizer.url, field: "search.summarizer.url")
        guard !summarizer.model.allSatisfy(\.isWhitespace), summarizer.model.count <= 200 else {
            throw Self.invalid("search.summarizer.model must be 1-200 characters")
        }
        if let name = summarizer.apiKeyEnv {
            summarizer.apiKeyEnv = try Self.checkVariable(name, field: "search.summarizer.api_key_env")
        }
        summarizer.maxTokens = try Self.check(
            summarizer.maxTokens ?? DeepDefaults.summaryMaxTokens, in: 1...SamplingParameters.maxTokensLimit,
            field: "search.summarizer.max_tokens")
        summarizer.temperature = try Self.check(
            summarizer.temperature ?? DeepDefaults.summaryTemperature, in: 0...2, field: "search.summarizer.temperature")
        deep.summarizer = summarizer
        return deep
    }

    /// Whether the request set a deep-only field.
    private func isSet(_ key: CodingKeys) -> Bool {
        switch key {
        case .api: api != nil
        case .keyEnv: keyEnv != nil
        case .pages: pages != nil
        case .windowChars: windowChars != nil
        case .pageTimeoutSeconds: pageTimeoutSeconds != nil
        case .pageMaxBytes: pageMaxBytes != nil
        case .maxRedirects: maxRedirects != nil
        case .summarizer: summarizer != nil
        case .backend, .url, .topK: false
        }
    }

    private static func check<T: Comparable>(_ value: T, in range: ClosedRange<T>, field: String) throws -> T {
        guard range.contains(value) else {
            throw invalid("\(field) must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    private static func checkURL(_ text: String, field: String) throws {
        do {
            _ = try EndpointURL.validate(text)
        } catch {
            throw invalid("\(field) must be an http(s) URL of at most \(EndpointURL.maxLength) characters")
        }
    }

    /// An environment variable a key is read from, under ``KeyVariable``'s policy.
    private static func checkVariable(_ name: String, field: String) throws -> String {
        try KeyVariable.validate(name, field: field, code: "invalid_evaluation")
    }
}
