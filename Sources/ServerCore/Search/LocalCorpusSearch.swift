import Benchmarks

/// The search tool's default backend: the FTS5 corpus, ranked by BM25. An
/// empty corpus answers no hits, and the agent loop goes on.
package struct LocalCorpusSearch: SearchBackend {
    package let corpus: CorpusStore

    package func search(_ query: String, topK: Int) async throws -> [SearchHit] {
        try await corpus.search(query, topK: topK).map { hit in
            SearchHit(title: hit.title.isEmpty ? nil : hit.title, text: hit.text, score: hit.score)
        }
    }
}
