import Foundation

/// A Search-R1 style dense or BM25 retriever served over HTTP.
///
/// Sends `{"queries": [query], "topk": k, "return_scores": true}` to `url`
/// and reads `{"result": [[{"document": {"contents": "Title\ntext"},
/// "score": s}, …]]}`. Hits without a score (`{"contents": …}` directly, as
/// the retriever answers when scores are off) are accepted too, and so are
/// documents with separate `title` and `text` fields. A `contents` first
/// line is the title (its surrounding quotes removed), the rest the text.
public struct HTTPRetriever: SearchBackend {
    /// The retrieve route, e.g. `http://127.0.0.1:8000/retrieve`.
    public var url: String
    /// The HTTP client with its timeout and retries.
    public var http: RetryingHTTPClient

    /// Creates a retriever client.
    /// - Parameters:
    ///   - url: the retrieve route.
    ///   - http: the HTTP client (default: 60 s timeout, default retries).
    public init(url: String, http: RetryingHTTPClient = RetryingHTTPClient(requestTimeout: .seconds(60))) {
        self.url = url
        self.http = http
    }

    /// Retrieves the top `topK` passages for `query`.
    /// - Throws: `HTTPCallError` (`.invalidResponse` for an unexpected shape).
    public func search(_ query: String, topK: Int) async throws(HTTPCallError) -> [SearchHit] {
        let request: [String: JSONValue] = [
            "queries": .array([.string(query)]), "topk": .number(Double(topK)), "return_scores": .bool(true),
        ]
        let body: Data
        do {
            body = try JSONEncoder().encode(request)
        } catch {
            throw .invalidResponse("cannot encode the request: \(error)")
        }
        return Array(try Self.hits(from: try await http.postJSON(to: url, body: body)).prefix(topK))
    }

    /// The hits of the first query in a retriever answer.
    static func hits(from data: Data) throws(HTTPCallError) -> [SearchHit] {
        let answer: JSONValue
        do {
            answer = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw .invalidResponse("the retriever answer is not JSON: \(error)")
        }
        guard case .object(let root) = answer, case .array(let perQuery)? = root["result"] else {
            throw .invalidResponse("the retriever answer has no \"result\" list")
        }
        guard case .array(let entries)? = perQuery.first else { return [] }
        return entries.compactMap(hit)
    }

    /// One entry: `{"document": doc, "score": s}` or a bare document.
    static func hit(from entry: JSONValue) -> SearchHit? {
        guard case .object(let fields) = entry else { return nil }
        let score = fields["score"]?.numberValue
        let document: [String: JSONValue]
        if case .object(let inner)? = fields["document"] { document = inner } else { document = fields }
        if let contents = document["contents"]?.stringValue {
            var (title, text) = splitContents(contents)
            if let explicit = document["title"]?.stringValue { title = explicit }
            return SearchHit(title: title, text: text, score: score)
        }
        guard let text = document["text"]?.stringValue else { return nil }
        return SearchHit(title: document["title"]?.stringValue, text: text, score: score)
    }

    /// `"Title"\ntext` → (`Title`, `text`); a single line is all text.
    static func splitContents(_ contents: String) -> (title: String?, text: String) {
        let parts = contents.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return (nil, contents.trimmed) }
        var title = parts[0].trimmed
        if title.count >= 2, title.hasPrefix("\""), title.hasSuffix("\"") {
            title = String(title.dropFirst().dropLast())
        }
        return (title.isEmpty ? nil : title, parts[1].trimmed)
    }
}
