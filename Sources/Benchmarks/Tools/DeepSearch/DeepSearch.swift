import Logging

/// The search the AEPO authors evaluate with ("deep search"): a web search
/// API, the top pages fetched, a window of each page around its snippet,
/// and a summariser that writes the result for this question and this
/// reasoning (BENCHMARKS.md, search backends; docs/protocol.md).
///
/// One call:
/// 1. `api` answers the query (the server caches it);
/// 2. the first `pages` results with an address are fetched concurrently
///    (`PageFetcher`), each read from `cache` when there; a page that fails
///    is dropped (its result keeps its snippet) and is not cached;
/// 3. each fetched page gives a window of `windowCharacters` around its
///    snippet (`SnippetWindow`);
/// 4. the summariser's answer, cached under a digest of its request,
///    is the result. When it fails, the result is `fallbackNotice` and the
///    windows themselves, shortened to share the result's budget; nothing
///    is cached, so a rerun asks again.
///
/// `search(_:topK:)` (no context) answers the hits with their windows as
/// text, without a summary.
public struct DeepSearch: SearchBackend {
    /// The web search API.
    public var api: any SearchBackend
    /// How pages are fetched (timeout, byte cap, redirects).
    public var fetcher: PageFetcher
    /// The summariser.
    public var summarizer: SearchSummarizer
    /// Where fetched pages and summaries are kept.
    public var cache: any DeepSearchCache
    /// Results whose page is fetched, from the first.
    public var pages: Int
    /// The size of a page's window, in characters.
    public var windowCharacters: Int
    /// Where dropped pages and summariser failures are logged (info).
    public var logger: Logger

    /// The first line of a result made of page windows because the summary failed.
    public static let fallbackNotice =
        "The summary of these search results is unavailable; excerpts of the pages follow."

    /// Creates a deep search.
    /// - Parameters:
    ///   - api: the web search API.
    ///   - fetcher: the page fetcher.
    ///   - summarizer: the summariser.
    ///   - cache: the page and summary cache.
    ///   - pages: results whose page is fetched (default 5).
    ///   - windowCharacters: characters per page window (default 6000,
    ///     about the authors' 3000 on each side of the best sentence).
    ///   - logger: the logger.
    public init(
        api: any SearchBackend, fetcher: PageFetcher, summarizer: SearchSummarizer, cache: any DeepSearchCache,
        pages: Int = 5, windowCharacters: Int = 6000, logger: Logger = Logger(label: "aepo.search")
    ) {
        self.api = api
        self.fetcher = fetcher
        self.summarizer = summarizer
        self.cache = cache
        self.pages = pages
        self.windowCharacters = windowCharacters
        self.logger = logger
    }

    /// The API's hits with each fetched page's window as its text.
    public func search(_ query: String, topK: Int) async throws -> [SearchHit] {
        let hits = try await api.search(query, topK: topK)
        let texts = try await pageTexts(for: hits)
        return summaryPages(hits, texts: texts, size: windowCharacters).enumerated().map { index, page in
            SearchHit(title: page.title, text: page.text, score: hits[index].score, url: page.url)
        }
    }

    /// The summary of the search results for the sample's question and
    /// reasoning, or the fallback text when the summariser fails.
    public func result(
        for query: String, topK: Int, context: SearchContext, characterBudget: Int
    ) async throws -> String {
        let hits = try await api.search(query, topK: topK)
        guard !hits.isEmpty else { return SearchResultFormatter.noResults }
        let texts = try await pageTexts(for: hits)
        let messages = summarizer.messages(
            query: query, context: context, pages: summaryPages(hits, texts: texts, size: windowCharacters))
        let key = summarizer.cacheKey(for: messages)
        if let cached = try await cache.summary(key: key) { return cached.clipped(to: characterBudget) }
        let summary: String
        do {
            summary = try await summarizer.summarize(messages)
        } catch {
            if Task.isCancelled || error == .cancelled { throw CancellationError() }
            logger.info("search summary failed", metadata: ["search.query": "\(query)", "search.error": "\(error)"])
            return fallback(hits, texts: texts, characterBudget: characterBudget)
        }
        try await cache.store(summary: summary, key: key)
        return summary.clipped(to: characterBudget)
    }

    /// The text of each fetched page, by address (pages without text left out).
    func pageTexts(for hits: [SearchHit]) async throws -> [String: String] {
        var addresses: [String] = []
        for hit in hits.prefix(pages) {
            guard let url = hit.url?.trimmed, !url.isEmpty, !addresses.contains(url) else { continue }
            addresses.append(url)
        }
        return try await withThrowingTaskGroup(of: (String, String?).self) { group in
            for url in addresses {
                group.addTask { (url, try await self.pageText(url)) }
            }
            var texts: [String: String] = [:]
            for try await (url, text) in group {
                if let text, !text.isEmpty { texts[url] = text }
            }
            return texts
        }
    }

    /// One page's text, from the cache or fetched (and then cached); nil
    /// when it is not text or could not be fetched.
    func pageText(_ url: String) async throws -> String? {
        if let cached = try await cache.page(url: url, maxBytes: fetcher.maxBytes) { return cached.text }
        let page: FetchedPage
        do {
            page = try await fetcher.fetch(url)
        } catch {
            if error == .cancelled { throw CancellationError() }
            logger.info("search page dropped", metadata: ["search.url": "\(url)", "search.error": "\(error)"])
            return nil
        }
        try await cache.store(page: page, url: url, maxBytes: fetcher.maxBytes)
        return page.text
    }

    /// The results as the summariser sees them: a window of each fetched
    /// page of `size` characters, else the cleaned snippet.
    func summaryPages(_ hits: [SearchHit], texts: [String: String], size: Int) -> [SearchSummarizer.Page] {
        hits.map { hit in
            let url = hit.url?.trimmed
            if let url, let text = texts[url] {
                let window = SnippetWindow.window(in: text, around: hit.text, size: size).text
                return .init(title: hit.title, url: url, text: window, isExcerpt: true)
            }
            return .init(title: hit.title, url: url, text: SnippetWindow.cleanedSnippet(hit.text), isExcerpt: false)
        }
    }

    /// `fallbackNotice`, then each result as a numbered passage
    /// (`SearchResultFormatter`), the windows sized so that all of them
    /// share the budget.
    func fallback(_ hits: [SearchHit], texts: [String: String], characterBudget: Int) -> String {
        let room = characterBudget - Self.fallbackNotice.count - 1
        guard room > 0 else { return Self.fallbackNotice.clipped(to: characterBudget) }
        let share = room / hits.count
        let passages = hits.enumerated().map { index, hit in
            let header = SearchResultFormatter.line(for: SearchHit(title: hit.title, text: "", url: hit.url), number: index + 1)
            let page = summaryPages([hit], texts: texts, size: max(1, share - header.count - 2))[0]
            return SearchHit(title: hit.title, text: page.text, url: hit.url)
        }
        return Self.fallbackNotice + "\n" + SearchResultFormatter.format(passages, characterBudget: room)
    }
}
