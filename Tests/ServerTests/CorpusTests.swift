import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

@Suite("Local search corpus")
struct CorpusTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    static let corpus = """
        {"id": "d1", "title": "Lake Varn", "text": "Lake Varn is the deepest lake of the fictional Orlen valley."}
        {"id": "d2", "contents": "\\"Orlen\\"\\nOrlen is a valley town founded in 1712 by the miller Ada Kest."}
        {"id": 3, "text": "Ada Kest built the first water mill on the Varn river."}

        """

    @Test func parsesBothDocumentShapes() throws {
        let documents = try CorpusStore.parse(Data(Self.corpus.utf8), fileName: "c.jsonl")
        #expect(documents == [
            CorpusDocument(id: "d1", title: "Lake Varn", text: "Lake Varn is the deepest lake of the fictional Orlen valley."),
            CorpusDocument(id: "d2", title: "Orlen", text: "Orlen is a valley town founded in 1712 by the miller Ada Kest."),
            CorpusDocument(id: "3", title: "", text: "Ada Kest built the first water mill on the Varn river."),
        ])
    }

    @Test func badLineIsNamed() {
        #expect(throws: CorpusError.self) { try CorpusStore.parse(Data("{\"text\":\"a\"}\nnope\n".utf8), fileName: "c") }
        do {
            _ = try CorpusStore.parse(Data("{\"text\":\"a\"}\n{\"title\":\"x\"}\n".utf8), fileName: "c.jsonl")
        } catch {
            #expect("\(error)" == "c.jsonl line 2: no \"text\" or \"contents\"")
        }
    }

    @Test func searchRanksByBM25AndSurvivesAnyQuery() async throws {
        let store = env.services.corpus
        await #expect(try store.search("who founded Orlen", topK: 3).isEmpty)
        _ = try await store.importDocuments(try CorpusStore.parse(Data(Self.corpus.utf8), fileName: "c"), replace: false)
        let hits = try await store.search("who founded Orlen", topK: 3)
        #expect(hits.first?.id == "d2")
        #expect(hits.allSatisfy { $0.score > 0 })
        for query in [#"" OR * AND NEAR("#, "-", "title:x", "Kest\"s mill", "   "] {
            _ = try await store.search(query, topK: 5)
        }
        await #expect(try store.search("mill", topK: 5).map(\.id) == ["3"])
    }

    @Test func reimportReplacesByIdAndReplaceEmpties() async throws {
        let store = env.services.corpus
        let documents = try CorpusStore.parse(Data(Self.corpus.utf8), fileName: "c")
        #expect(try await store.importDocuments(documents, replace: false) == 3)
        #expect(try await store.importDocuments([CorpusDocument(id: "d1", title: "T", text: "changed text")], replace: false) == 3)
        #expect(try await store.search("changed", topK: 1).first?.id == "d1")
        #expect(try await store.search("deepest", topK: 1).isEmpty)
        #expect(try await store.importDocuments([CorpusDocument(id: "x", title: "", text: "only")], replace: true) == 1)
    }

    @Test func importAndSearchOverHTTP() async throws {
        try await env.application().test(.router) { client in
            let response = try await client.execute(
                uri: "/api/v1/corpus", method: .put, headers: env.adminHeaders, body: ByteBuffer(string: Self.corpus))
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == #"{"documents":3}"#)
            let bad = try await client.execute(
                uri: "/api/v1/corpus?replace=true", method: .put, headers: env.adminHeaders,
                body: ByteBuffer(string: "{\"text\":\"ok\"}\n[1]\n"))
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("line 2"))
            let summary = try await client.execute(uri: "/api/v1/corpus", method: .get)
            #expect(String(buffer: summary.body) == #"{"documents":3}"#)
            let search = try await client.execute(uri: "/api/v1/corpus/search?q=water%20mill&k=2", method: .get)
            #expect(String(buffer: search.body).contains(#""id":"3""#))
        }
    }
}
