import Foundation
import HTTPTypes
import Hummingbird
import Testing
@testable import Benchmarks

@Suite("Search backends and result formatting")
struct SearchBackendTests {
    static let http = RetryingHTTPClient(retry: RetryPolicy(maxAttempts: 2, baseDelaySeconds: 0.01), requestTimeout: .seconds(10))

    @Test func retrieverSendsSearchR1RequestAndReadsScoredHits() async throws {
        let recorder = Recorder()
        let hits = try await StandInServer.with({ router in
            router.post("retrieve") { request, _ in
                _ = await recorder.record(try await StandInServer.jsonObject(of: request))
                return StandInServer.json(#"""
                    {"result":[[{"document":{"id":"1","contents":"\"Paris\"\nParis is the capital of France."},"score":12.5},
                                {"document":{"id":"2","contents":"Lyon\nA city."},"score":3}]]}
                    """#)
            }
        }) { base in try await HTTPRetriever(url: base + "/retrieve", http: Self.http).search("capital of France", topK: 3) }
        #expect(await recorder.bodies.first == [
            "queries": .array([.string("capital of France")]), "topk": .number(3), "return_scores": .bool(true),
        ])
        #expect(hits == [
            SearchHit(title: "Paris", text: "Paris is the capital of France.", score: 12.5),
            SearchHit(title: "Lyon", text: "A city.", score: 3),
        ])
        #expect(SearchResultFormatter.format(hits, characterBudget: 1000)
            == "Doc 1 (Title: Paris) Paris is the capital of France.\nDoc 2 (Title: Lyon) A city.")
    }

    @Test func retrieverAcceptsHitsWithoutScores() async throws {
        let hits = try await StandInServer.with({ router in
            router.post("retrieve") { _, _ in
                StandInServer.json(#"{"result":[[{"contents":"Only text"},{"title":"T","text":"body"},{"id":"x"}]]}"#)
            }
        }) { base in try await HTTPRetriever(url: base + "/retrieve", http: Self.http).search("q", topK: 5) }
        #expect(hits == [SearchHit(title: nil, text: "Only text"), SearchHit(title: "T", text: "body")])
        let bad = try await StandInServer.with({ router in
            router.post("retrieve") { _, _ in StandInServer.json(#"{"docs":[]}"#) }
        }) { base in
            await #expect(throws: HTTPCallError.self) {
                try await HTTPRetriever(url: base + "/retrieve", http: Self.http).search("q", topK: 5)
            }
        }
        guard case .invalidResponse? = bad else {
            Issue.record("expected invalidResponse, got \(String(describing: bad))")
            return
        }
    }

    @Test func webSearchSendsKeyAndReadsOrganicResults() async throws {
        let recorder = Recorder()
        let hits = try await StandInServer.with({ router in
            router.post("search") { request, _ in
                _ = await recorder.record(try await StandInServer.jsonObject(of: request), headers: request.headers)
                return StandInServer.json(#"""
                    {"searchParameters":{"q":"x"},"organic":[
                      {"title":"Eiffel Tower","link":"https://en.wikipedia.org/wiki/Eiffel_Tower","snippet":"A tower in Paris.","position":1},
                      {"title":"No snippet","link":"https://example.org"}]}
                    """#)
            }
        }) { base in try await WebSearchAPI(apiKey: "KEY-1", url: base + "/search", http: Self.http).search("eiffel", topK: 2) }
        #expect(await recorder.bodies.first == ["q": .string("eiffel"), "num": .number(2)])
        #expect(await recorder.headers.first?[HTTPField.Name("X-API-KEY")!] == "KEY-1")
        #expect(hits == [
            SearchHit(title: "Eiffel Tower", text: "A tower in Paris.", url: "https://en.wikipedia.org/wiki/Eiffel_Tower"),
            SearchHit(title: "No snippet", text: "", url: "https://example.org"),
        ])
        #expect(SearchResultFormatter.format(hits, characterBudget: 500) == """
            Doc 1 (Title: Eiffel Tower; URL: https://en.wikipedia.org/wiki/Eiffel_Tower) A tower in Paris.
            Doc 2 (Title: No snippet; URL: https://example.org)
            """)
    }

    @Test func bingShapeSendsKeyHeaderAndQueryParameters() async throws {
        let recorder = Recorder()
        let hits = try await StandInServer.with({ router in
            router.get("v7.0/search") { request, _ in
                _ = await recorder.record(["query": .string(request.uri.query ?? "")], headers: request.headers)
                return StandInServer.json(#"""
                    {"_type":"SearchResponse","webPages":{"value":[
                      {"name":"Eiffel Tower","url":"https://e.org/eiffel","snippet":"A tower in Paris."},
                      {"name":"No snippet","url":"https://e.org/n"}]}}
                    """#)
            }
            router.get("empty") { _, _ in StandInServer.json(#"{"_type":"SearchResponse"}"#) }
        }) { base in
            let api = WebSearchAPI(apiKey: "BING-1", url: base + "/v7.0/search?mkt=en-US", shape: .bing, http: Self.http)
            #expect(try await WebSearchAPI(apiKey: "k", url: base + "/empty", shape: .bing, http: Self.http).search("x", topK: 3).isEmpty)
            return try await api.search("c++ & eiffel", topK: 2)
        }
        // The query is percent-encoded by hand: `+` must not reach the server as a space.
        #expect(await recorder.bodies.first == ["query": .string("mkt=en-US&q=c%2B%2B%20%26%20eiffel&count=2")])
        #expect(await recorder.headers.first?[HTTPField.Name("Ocp-Apim-Subscription-Key")!] == "BING-1")
        #expect(await recorder.headers.first?[HTTPField.Name("X-API-KEY")!] == nil)
        #expect(hits == [
            SearchHit(title: "Eiffel Tower", text: "A tower in Paris.", url: "https://e.org/eiffel"),
            SearchHit(title: "No snippet", text: "", url: "https://e.org/n"),
        ])
        #expect(WebSearchAPI(apiKey: "k", shape: .bing).url == "https://api.bing.microsoft.com/v7.0/search")
        #expect(WebSearchAPI(apiKey: "k").url == "https://google.serper.dev/search")
    }

    @Test func formatterBudgetAndEmptyList() {
        #expect(SearchResultFormatter.format([], characterBudget: 100) == "No results found.")
        let long = (1...5).map { SearchHit(title: "T\($0)", text: String(repeating: "word ", count: 40)) }
        for budget in [10, 60, 250, 450, 2000] {
            let text = SearchResultFormatter.format(long, characterBudget: budget)
            #expect(text.count <= budget, "budget \(budget)")
            #expect(text.hasPrefix(String("Doc 1 (Title: T1) word".prefix(budget - 1))))
        }
        // Each passage is 217 characters: two fit in 450, the third's 14
        // characters of room are too few to start it; 500 leaves 64.
        let two = SearchResultFormatter.format(long, characterBudget: 450)
        #expect(two.contains("Doc 2") && !two.contains("Doc 3") && !two.hasSuffix("…"))
        let cut = SearchResultFormatter.format(long, characterBudget: 500)
        #expect(cut.contains("Doc 3") && !cut.contains("Doc 4") && cut.hasSuffix("…") && cut.count == 500)
    }

    @Test func clippingKeepsStartAndEnd() {
        let text = (1...1000).map(String.init).joined(separator: "\n")
        let clipped = text.clipped(to: 200)
        #expect(clipped.count <= 200)
        #expect(clipped.hasPrefix("1\n2\n3") && clipped.hasSuffix("999\n1000"))
        #expect(clipped.contains("characters omitted"))
        #expect("short".clipped(to: 200) == "short")
    }
}
