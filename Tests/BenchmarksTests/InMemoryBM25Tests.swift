import Testing

@testable import Benchmarks

@Suite("In-memory BM25 search backend")
struct InMemoryBM25Tests {
    let index = InMemoryBM25(documents: [
        .init(id: "a", text: "the red fox"), .init(id: "b", text: "the blue fox"),
        .init(id: "c", text: "a red red kite"), .init(id: "d", text: "the blue fox"),
    ])

    @Test("ranks by term rarity and breaks ties by document order")
    func ranking() {
        #expect(index.search("kite", limit: 5).map(\.document.id) == ["c"])
        #expect(index.search("blue fox", limit: 2).map(\.document.id) == ["b", "d"])
        #expect(index.search("nothing here", limit: 3).isEmpty)
        #expect(index.search("fox", limit: 0).isEmpty)
    }

    @Test("terms are lower-cased runs of letters and digits")
    func terms() {
        #expect(InMemoryBM25.terms("Tavin O'rlo, born-in 1999!") == ["tavin", "o", "rlo", "born", "in", "1999"])
    }

    @Test("as a search backend it returns untitled hits, best first")
    func backend() async throws {
        let hits = try await index.search("red kite", topK: 2)
        #expect(hits.map(\.text) == ["a red red kite", "the red fox"])
        #expect(hits.allSatisfy { $0.title == nil && ($0.score ?? 0) > 0 })
        #expect(SearchResultFormatter.format(hits, characterBudget: 4000) == "Doc 1 a red red kite\nDoc 2 the red fox")
    }
}
