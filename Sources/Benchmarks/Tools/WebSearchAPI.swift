import Foundation
import NIOHTTP1

/// A Serper-compatible web search API (`https://google.serper.dev/search`
/// by default; any service with the same shape works).
///
/// Sends `{"q": query, "num": k}` with the key in the `X-API-KEY` header and
/// reads `{"organic": [{"title", "link", "snippet"}, …]}`; each organic
/// result becomes a hit with its title, snippet and link.
public struct WebSearchAPI: SearchBackend {
    /// The search route.
    public var url: String
    /// The HTTP client with its timeout, retries and the key header.
    public var http: RetryingHTTPClient

    /// Creates a web search client.
    /// - Parameters:
    ///   - apiKey: the API key, sent as `X-API-KEY`.
    ///   - url: the search route (configurable so tests use a stand-in).
    ///   - http: the HTTP client (default: 60 s timeout, default retries).
    public init(
        apiKey: String, url: String = "https://google.serper.dev/search",
        http: RetryingHTTPClient = RetryingHTTPClient(requestTimeout: .seconds(60))
    ) {
        self.url = url
        self.http = http
        self.http.headers.replaceOrAdd(name: "X-API-KEY", value: apiKey)
    }

    /// Searches the web for `query`.
    /// - Throws: `HTTPCallError` (`.invalidResponse` for an unexpected shape).
    public func search(_ query: String, topK: Int) async throws(HTTPCallError) -> [SearchHit] {
        let body: Data
        do {
            body = try JSONEncoder().encode(Request(q: query, num: topK))
        } catch {
            throw .invalidResponse("cannot encode the request: \(error)")
        }
        let data = try await http.postJSON(to: url, body: body)
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw .invalidResponse("not a web search answer: \(error)")
        }
        return (answer.organic ?? []).prefix(topK).map {
            SearchHit(title: $0.title, text: $0.snippet ?? "", url: $0.link)
        }
    }

    struct Request: Encodable {
        let q: String
        let num: Int
    }

    struct Answer: Decodable {
        let organic: [Organic]?
    }

    struct Organic: Decodable {
        let title: String?
        let link: String?
        let snippet: String?
    }
}
