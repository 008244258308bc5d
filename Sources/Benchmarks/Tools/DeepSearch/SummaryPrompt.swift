/// This project's prompt for the deep search's summariser (written for
/// aepo; not the AEPO authors' text). A system message says what to write;
/// the user message holds the question, the reasoning so far, the query
/// and the search results.
enum SummaryPrompt {
    static let system = """
        You read web search results for a research assistant. The assistant is answering a question \
        step by step and has just searched the web. You get the question, the assistant's reasoning so \
        far, its search query, and excerpts of the pages the search returned.

        Write down what the pages say that helps with the query and with the question: facts, names, \
        numbers and dates, quoted exactly, each followed by the page it came from, as [Page 2]. When \
        pages disagree, give both. When no page helps, write "No relevant information found." and \
        nothing else.

        Do not continue the assistant's reasoning, do not guess beyond the pages, and do not give a \
        final answer the pages do not state. Be brief: a few sentences or a short list, in the \
        language of the question.
        """

    /// The user message.
    /// - Parameters:
    ///   - query: the search query.
    ///   - question: the question being answered.
    ///   - reasoning: the reasoning so far, already cut to its budget.
    ///   - pages: the search results, best first.
    static func user(query: String, question: String, reasoning: String, pages: [SearchSummarizer.Page]) -> String {
        """
        Question:
        \(question)

        Reasoning so far:
        \(reasoning)

        Search query:
        \(query)

        Search results:

        \(pages.enumerated().map { document($1, number: $0 + 1) }.joined(separator: "\n\n"))
        """
    }

    /// One search result: the page's excerpt, or the engine's snippet when
    /// the page was not read.
    static func document(_ page: SearchSummarizer.Page, number: Int) -> String {
        var lines = ["[Page \(number)] \(page.title ?? "(no title)")"]
        if let url = page.url { lines.append("URL: \(url)") }
        lines.append(page.isExcerpt ? "Excerpt:\n\(page.text)" : "Snippet: \(page.text)")
        return lines.joined(separator: "\n")
    }
}
