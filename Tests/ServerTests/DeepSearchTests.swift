import Benchmarks
import Foundation
import Testing

@testable import Server
@testable import ServerCore

@Suite("Deep search against local stand-ins, cached in SQLite")
struct DeepSearchTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    static let context = SearchContext(
        question: "How tall is the Eiffel Tower?",
        reasoning: "<think>I need the height.</think>\n<search>eiffel tower height</search>")

    /// A deep search on the stand-in with the server's caches (a fresh
    /// value each time, as a restarted server would build).
    func deepSearch(
        _ base: String, model: String = "summarizer", shape: WebSearchAPI.Shape = .serper, key: String = DeepSearchStandIn.key,
        timeout: Duration = .seconds(20), maxBytes: Int = 2 << 20
    ) -> DeepSearch {
        let http = RetryingHTTPClient(retry: .none, requestTimeout: .seconds(20))
        let api = WebSearchAPI(apiKey: key, url: base + (shape == .serper ? "/serper" : "/bing"), shape: shape, http: http)
        let endpoint = OpenAIEndpoint(baseURL: base + "/v1", model: model, retry: .none)
        return DeepSearch(
            api: CachedSearch(backend: api, cache: SearchCache(database: env.services.database), key: "\(shape.rawValue):\(base)"),
            fetcher: PageFetcher(timeout: timeout, maxBytes: maxBytes),
            summarizer: SearchSummarizer(client: OpenAIChatClient(endpoint: endpoint)),
            cache: DeepSearchStore(database: env.services.database))
    }

    /// Runs `body` with a started stand-in, stopped afterwards whatever happens.
    func withStandIn(_ body: (DeepSearchStandIn, String) async throws -> Void) async throws {
        let web = DeepSearchStandIn()
        let running = try await web.start()
        do {
            try await body(web, running.base)
        } catch {
            await web.stop(running)
            throw error
        }
        await web.stop(running)
    }

    /// The summariser's user message for the default results of `eiffel tower height`.
    static func expectedPrompt(_ base: String, question: String = context.question) -> String {
        """
        Question:
        \(question)

        Reasoning so far:
        <think>I need the height.</think>
        <search>eiffel tower height</search>

        Search query:
        eiffel tower height

        Search results:

        [Page 1] Eiffel Tower
        URL: \(base)/pages/eiffel
        Excerpt:
        \(DeepSearchStandIn.eiffelText)

        [Page 2] Moved page
        URL: \(base)/pages/moved
        Excerpt:
        Paris is the capital of France.

        [Page 3] A picture
        URL: \(base)/pages/picture.png
        Snippet: A photo of the tower.
        """
    }

    @Test func theSummaryOfThePageWindowsIsTheResultAndARerunCallsNothing() async throws {
        try await withStandIn { web, base in
            let result = try await deepSearch(base).result(
                for: "eiffel tower height", topK: 5, context: Self.context, characterBudget: 4000)
            #expect(result == DeepSearchStandIn.summary)
            // The HTML page as text, the redirect followed, the picture skipped (its snippet kept).
            let prompt = try #require(web.summaryRequests.first)
            #expect(prompt["user"] == Self.expectedPrompt(base))
            #expect(prompt["system"]?.contains("research assistant") == true)
            #expect(web.requests == [
                "/serper": 1, "/pages/eiffel": 1, "/pages/moved": 1, "/pages/paris": 1, "/pages/picture.png": 1,
                "/v1/chat/completions": 1,
            ])

            // The same call again, by a new value on the same database: no request at all.
            let again = try await deepSearch(base).result(
                for: "eiffel tower height", topK: 5, context: Self.context, characterBudget: 4000)
            #expect(again == result)
            #expect(web.totalRequests == 6)
            // Without a context: the hits with their windows, from the cache too.
            let hits = try await deepSearch(base).search("eiffel tower height", topK: 5)
            #expect(hits.map(\.text) == [DeepSearchStandIn.eiffelText, "Paris is the capital of France.", "A photo of the tower."])
            #expect(web.totalRequests == 6)

            // Another question is another summary, from the same cached pages.
            let other = SearchContext(question: "When was it finished?", reasoning: Self.context.reasoning)
            _ = try await deepSearch(base).result(for: "eiffel tower height", topK: 5, context: other, characterBudget: 4000)
            #expect(web.summaryRequests.last?["user"] == Self.expectedPrompt(base, question: "When was it finished?"))
            #expect(web.requests["/v1/chat/completions"] == 2 && web.totalRequests == 7)
        }
    }

    @Test func aReasoningSummarizersThinkingIsRemoved() async throws {
        try await withStandIn { _, base in
            let result = try await deepSearch(base, model: "thinker").result(
                for: "eiffel tower height", topK: 5, context: Self.context, characterBudget: 4000)
            #expect(result == "Summary from a thinker.")
        }
    }

    @Test func aFailingSummarizerGivesTheWindowsAndIsAskedAgainNextTime() async throws {
        try await withStandIn { web, base in
            let search = deepSearch(base, model: "broken")
            let result = try await search.result(for: "eiffel tower height", topK: 5, context: Self.context, characterBudget: 4000)
            #expect(result == """
                The summary of these search results is unavailable; excerpts of the pages follow.
                Doc 1 (Title: Eiffel Tower; URL: \(base)/pages/eiffel) Eiffel Tower The Eiffel Tower is a wrought-iron \
                tower in Paris. The tower is 330 metres tall and was finished in 1889.
                Doc 2 (Title: Moved page; URL: \(base)/pages/moved) Paris is the capital of France.
                Doc 3 (Title: A picture; URL: \(base)/pages/picture.png) A photo of the tower.
                """)
            // A failure is not cached: the next run asks the summariser again, and only it.
            #expect(try await search.result(for: "eiffel tower height", topK: 5, context: Self.context, characterBudget: 4000) == result)
            #expect(web.requests["/v1/chat/completions"] == 2 && web.totalRequests == 7)
            // A small budget is shared by the windows and never exceeded.
            let small = try await search.result(for: "eiffel tower height", topK: 5, context: Self.context, characterBudget: 300)
            #expect(small.count <= 300 && small.hasPrefix(DeepSearch.fallbackNotice + "\nDoc 1 (Title: Eiffel Tower;"))
        }
    }

    @Test func aSlowPageIsDroppedAndTriedAgainByTheNextRun() async throws {
        try await withStandIn { web, base in
            // Long enough for the good page on a loaded CI machine; the slow one never arrives.
            let search = deepSearch(base, timeout: .seconds(10))
            let result = try await search.result(for: "slow eiffel", topK: 5, context: Self.context, characterBudget: 4000)
            #expect(result == DeepSearchStandIn.summary)
            let prompt = try #require(web.summaryRequests.first?["user"])
            #expect(prompt.contains("[Page 1] Slow page\nURL: \(base)/pages/slow\nSnippet: Never arrives.\n\n[Page 2] Eiffel Tower"))
            #expect(prompt.contains(DeepSearchStandIn.eiffelText))
            _ = try await search.result(for: "slow eiffel", topK: 5, context: Self.context, characterBudget: 4000)
            // The failed page is fetched again; the good one and the summary come from the cache.
            #expect(web.requests["/pages/slow"] == 2 && web.requests["/pages/eiffel"] == 1)
            #expect(web.requests["/v1/chat/completions"] == 1)
        }
    }

    @Test func aHugePageIsReadUpToTheCap() async throws {
        try await withStandIn { web, base in
            let cap = 64 << 10
            _ = try await deepSearch(base, maxBytes: cap).result(for: "huge", topK: 5, context: Self.context, characterBudget: 4000)
            let store = DeepSearchStore(database: env.services.database)
            let page = try #require(try await store.page(url: base + "/pages/huge", maxBytes: cap))
            let text = try #require(page.text)
            #expect(page.truncated && text.utf8.count <= cap && text.hasPrefix("chunk 0 word"))
            // The window is 6000 characters around the snippet "chunk 3".
            let prompt = try #require(web.summaryRequests.first?["user"])
            let excerpt = try #require(prompt.components(separatedBy: "Excerpt:\n").last)
            #expect(excerpt.count == 6000 && excerpt.contains("chunk 3 word"))
        }
    }

    @Test func bingShapedAPIGetsItsKeyHeaderAndAWrongKeyFails() async throws {
        try await withStandIn { web, base in
            let result = try await deepSearch(base, shape: .bing).result(
                for: "eiffel tower height", topK: 5, context: Self.context, characterBudget: 4000)
            #expect(result == DeepSearchStandIn.summary && web.requests["/bing"] == 1)
            #expect(web.summaryRequests.first?["user"] == Self.expectedPrompt(base))
            await #expect(throws: HTTPCallError.status(code: 401, body: "")) {
                try await deepSearch(base, key: "wrong").result(for: "another query", topK: 5, context: Self.context, characterBudget: 4000)
            }
        }
    }
}
