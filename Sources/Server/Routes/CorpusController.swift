import Foundation
import Hummingbird
import NIOCore
import ServerCore

/// `/api/v1/corpus`: the local search corpus (FTS5, BM25) the search tool
/// uses by default.
struct CorpusController: Sendable {
    let corpus: CorpusStore
    let maxCorpusBytes: Int

    struct Summary: Codable { var documents: Int }

    struct Hits: Encodable {
        struct Hit: Encodable { var id: String; var title: String; var text: String; var score: Double }
        var hits: [Hit]
    }

    func addReadRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("corpus", use: summary)
        group.get("corpus/search", use: search)
    }

    func addWriteRoutes(to group: RouterGroup<AppRequestContext>) {
        group.put("corpus", use: importCorpus)
    }

    @Sendable func summary(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await JSONResponse.make(Summary(documents: try corpus.count()))
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let query = request.uri.queryParameters["q"].map(String.init), !query.isEmpty else {
            throw APIError.badRequest("invalid_parameter", "q (the query) is required")
        }
        let topK = try Query.integer(request, "k", default: 5, range: 1...100)
        let hits = try await corpus.search(query, topK: topK).map {
            Hits.Hit(id: $0.id, title: $0.title, text: $0.text, score: $0.score)
        }
        return try JSONResponse.make(Hits(hits: hits))
    }

    /// Adds the JSONL documents of the body (`?replace=true` empties the corpus first).
    @Sendable func importCorpus(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxCorpusBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "payload_too_large",
                           "a corpus upload may have at most \(maxCorpusBytes) bytes; import larger corpora with --data-dir")
        }
        let replace = request.uri.queryParameters["replace"] == "true"
        let documents = try CorpusStore.parse(Data(buffer: body), fileName: "corpus")
        // An empty body is a client mistake far more often than a wish to
        // wipe the corpus, and with ?replace=true it would do just that.
        guard !documents.isEmpty else {
            throw APIError.badRequest("empty_body", "the body holds no documents: send JSONL, one document per line")
        }
        let total = try await corpus.importDocuments(documents, replace: replace)
        return try JSONResponse.make(Summary(documents: total))
    }
}
