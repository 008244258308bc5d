import Testing
@testable import Benchmarks

@Suite("The deep search's summariser request")
struct SearchSummarizerTests {
    let summarizer = SearchSummarizer(
        client: OpenAIChatClient(endpoint: OpenAIEndpoint(baseURL: "http://127.0.0.1:1/v1", model: "summ")), maxTokens: 512)

    static let pages = [
        SearchSummarizer.Page(title: "Orlen", url: "https://e.org/orlen", text: "Orlen was founded by Ada Kest.", isExcerpt: true),
        SearchSummarizer.Page(title: nil, url: nil, text: "A snippet.", isExcerpt: false),
    ]

    @Test func theUserMessageHoldsQuestionReasoningQueryAndPages() {
        let context = SearchContext(
            question: " Who founded Orlen? ", reasoning: "<think>Look it up.</think>\n<search>orlen founder</search>\n")
        let messages = summarizer.messages(query: "orlen founder", context: context, pages: Self.pages)
        #expect(messages.map(\.role) == ["system", "user"])
        #expect(messages[1].content == """
            Question:
            Who founded Orlen?

            Reasoning so far:
            <think>Look it up.</think>
            <search>orlen founder</search>

            Search query:
            orlen founder

            Search results:

            [Page 1] Orlen
            URL: https://e.org/orlen
            Excerpt:
            Orlen was founded by Ada Kest.

            [Page 2] (no title)
            Snippet: A snippet.
            """)
    }

    @Test func theCacheKeyFollowsEverythingThatShapesTheAnswer() {
        let context = SearchContext(question: "Q", reasoning: "R")
        let messages = summarizer.messages(query: "q", context: context, pages: Self.pages)
        let key = summarizer.cacheKey(for: messages)
        #expect(key.count == 64 && key == summarizer.cacheKey(for: summarizer.messages(query: "q", context: context, pages: Self.pages)))
        let otherQuestion = summarizer.messages(query: "q", context: SearchContext(question: "Q2", reasoning: "R"), pages: Self.pages)
        #expect(summarizer.cacheKey(for: otherQuestion) != key)
        var hotter = summarizer
        hotter.sampling.temperature = 0.6
        #expect(hotter.cacheKey(for: messages) != key)
        let otherModel = SearchSummarizer(
            client: OpenAIChatClient(endpoint: OpenAIEndpoint(baseURL: "http://127.0.0.1:1/v1", model: "other")), maxTokens: 512)
        #expect(otherModel.cacheKey(for: messages) != key)
    }

    @Test func longReasoningKeepsItsStartAndMostlyItsEnd() {
        // 100 characters in a budget of 60: the marker for 100 is 28 long, leaving 32,
        // a quarter (8) for the start and 24 for the end; 68 are left out.
        let text = String(repeating: "0123456789", count: 10)
        #expect(SearchSummarizer.excerpt(of: text, budget: 60) == "01234567\n…[68 characters omitted]…\n678901234567890123456789")
        #expect(SearchSummarizer.excerpt(of: "short", budget: 60) == "short")
    }
}
