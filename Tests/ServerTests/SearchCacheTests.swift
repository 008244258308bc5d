import Benchmarks
import Foundation
import Synchronization
import Testing

@testable import Server
@testable import ServerCore

@Suite("Search backends in the server")
struct SearchCacheTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    /// A remote backend that counts its calls and answers per query.
    final class CountingBackend: SearchBackend {
        let calls = Mutex(0)
        func search(_ query: String, topK: Int) async throws -> [SearchHit] {
            let call = calls.withLock { value in
                value += 1
                return value
            }
            return (0..<topK).map { SearchHit(title: "t\($0)", text: "\(query) #\($0) (call \(call))", score: Double(topK - $0)) }
        }
    }

    @Test func rerunsSeeTheCachedAnswer() async throws {
        let backend = CountingBackend()
        let cached = CachedSearch(backend: backend, cache: SearchCache(database: env.services.database), key: "http:test")
        let first = try await cached.search("capital of Orlen", topK: 2)
        let second = try await cached.search("capital of Orlen", topK: 2)
        #expect(first == second)
        #expect(backend.calls.withLock { $0 } == 1)
        _ = try await cached.search("capital of Orlen", topK: 3)
        _ = try await cached.search("another query", topK: 2)
        #expect(backend.calls.withLock { $0 } == 3)
        // The cache is in SQLite: a new wrapper (a restarted server) still hits it.
        let again = CachedSearch(backend: backend, cache: SearchCache(database: env.services.database), key: "http:test")
        #expect(try await again.search("capital of Orlen", topK: 2) == first)
        #expect(backend.calls.withLock { $0 } == 3)
    }

    @Test func localCorpusBackendAnswersFromFTS5AndEmptyMeansNoHits() async throws {
        let search = LocalCorpusSearch(corpus: env.services.corpus)
        #expect(try await search.search("anything", topK: 5).isEmpty)
        _ = try await env.services.corpus.importDocuments(
            [CorpusDocument(id: "1", title: "Orlen", text: "Orlen was founded by Ada Kest.")], replace: false)
        let hits = try await search.search("Who founded Orlen?", topK: 5)
        #expect(hits.map(\.title) == ["Orlen"])
        #expect(SearchResultFormatter.format(hits, characterBudget: 1000).contains("Ada Kest"))
    }
}
