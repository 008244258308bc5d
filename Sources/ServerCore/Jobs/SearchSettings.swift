import Benchmarks

/// How an evaluation searches: the local FTS5 corpus (default), an HTTP
/// retriever, a web search API whose key the server reads from
/// `AEPO_WEB_SEARCH_KEY`, or the deep search (a web search API, the top
/// pages fetched, a summariser; `deep`). Keys never enter a stored
/// configuration: only the names of the variables holding them do.
///
/// The deep search's fields are nil for the other backends, so their stored
/// configurations (and evaluation ids) are what they were before it
/// existed; `validated()` fills in every default of a deep search, so the
/// configuration says exactly how it searched.
package struct SearchSettings: Codable, Sendable, Hashable {
    package enum Backend: String, Codable, Sendable, Hashable, CaseIterable { case local, http, web, deep }

    package var backend: Backend = .local
    /// The retriever's or search API's URL.
    package var url: String?
    /// Hits asked of the backend per query.
    package var topK: Int = 5
    /// deep: the search API's shape (default serper).
    package var api: WebSearchAPI.Shape?
    /// deep: the environment variable holding the search API's key.
    package var keyEnv: String?
    /// deep: results whose page is fetched (default 5, at most `top_k`).
    package var pages: Int?
    /// deep: characters of each page's window (default 6000).
    package var windowChars: Int?
    /// deep: time allowed for one page, redirects included (default 20 s).
    package var pageTimeoutSeconds: Double?
    /// deep: bytes of a page read at most (default 2 MiB).
    package var pageMaxBytes: Int?
    /// deep: redirects followed per page (default 5).
    package var maxRedirects: Int?
    /// deep: the model that summarises the pages (required).
    package var summarizer: SummarizerSettings?

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case backend, url, api, pages, summarizer
        case topK = "top_k"
        case keyEnv = "key_env"
        case windowChars = "window_chars"
        case pageTimeoutSeconds = "page_timeout_seconds"
        case pageMaxBytes = "page_max_bytes"
        case maxRedirects = "max_redirects"
    }

    /// The keys only the deep backend reads.
    static let deepKeys: [CodingKeys] = [
        .api, .keyEnv, .pages, .windowChars, .pageTimeoutSeconds, .pageMaxBytes, .maxRedirects, .summarizer,
    ]

    package init(backend: Backend = .local, url: String? = nil, topK: Int = 5) {
        self.backend = backend
        self.url = url
        self.topK = topK
    }

    package init(from decoder: any Decoder) throws {
        try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "search")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let name = try container.decodeIfPresent(String.self, forKey: .backend) {
            guard let backend = Backend(rawValue: name) else {
                throw Self.invalid("search.backend must be one of \(Backend.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.backend = backend
        }
        url = try container.decodeIfPresent(String.self, forKey: .url)
        topK = try container.decodeIfPresent(Int.self, forKey: .topK) ?? 5
        if let name = try container.decodeIfPresent(String.self, forKey: .api) {
            guard let shape = WebSearchAPI.Shape(rawValue: name) else {
                throw Self.invalid("search.api must be one of \(WebSearchAPI.Shape.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            api = shape
        }
        keyEnv = try container.decodeIfPresent(String.self, forKey: .keyEnv)
        pages = try container.decodeIfPresent(Int.self, forKey: .pages)
        windowChars = try container.decodeIfPresent(Int.self, forKey: .windowChars)
        pageTimeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .pageTimeoutSeconds)
        pageMaxBytes = try container.decodeIfPresent(Int.self, forKey: .pageMaxBytes)
        maxRedirects = try container.decodeIfPresent(Int.self, forKey: .maxRedirects)
        summarizer = try container.decodeIfPresent(SummarizerSettings.self, forKey: .summarizer)
    }

    static func invalid(_ message: String) -> CoreError {
        CoreError.invalid("invalid_evaluation", message)
    }
}
