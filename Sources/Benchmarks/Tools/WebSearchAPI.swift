import Foundation
import NIOHTTP1

/// A web search API in one of two shapes (`Shape`): Serper-compatible
/// (`https://google.serper.dev/search` by default) or Bing-compatible
/// (Bing Web Search v7). Any service with the same shape works: the URL is
/// configurable.
///
/// Each organic result becomes a hit with its title, snippet and link.
public struct WebSearchAPI: SearchBackend {
    /// The request and answer shape of a web search API.
    public enum Shape: String, Sendable, Hashable, CaseIterable, Codable {
        /// `POST {"q": query, "num": k}` with the key in `X-API-KEY`;
        /// answers `{"organic": [{"title", "link", "snippet"}, …]}`.
        case serper
        /// `GET ?q=query&count=k` with the key in `Ocp-Apim-Subscription-Key`;
        /// answers `{"webPages": {"value": [{"name", "url", "snippet"}, …]}}`.
        case bing

        /// The public service of this shape.
        public var defaultURL: String {
            switch self {
            case .serper: "https://google.serper.dev/search"
            case .bing: "https://api.bing.microsoft.com/v7.0/search"
            }
        }

        /// The header the key is sent in.
        var keyHeader: String {
            switch self {
            case .serper: "X-API-KEY"
            case .bing: "Ocp-Apim-Subscription-Key"
            }
        }
    }

    /// The search route.
    public var url: String
    /// The request and answer shape.
    public var shape: Shape
    /// The HTTP client with its timeout, retries and the key header.
    public var http: RetryingHTTPClient

    /// Creates a web search client.
    /// - Parameters:
    ///   - apiKey: the API key, sent in the shape's key header.
    ///   - url: the search route (default: the shape's public service;
    ///     configurable so tests use a stand-in).
    ///   - shape: the request and answer shape (default Serper).
    ///   - http: the HTTP client (default: 60 s timeout, default retries).
    public init(
        apiKey: String, url: String? = nil, shape: Shape = .serper,
        http: RetryingHTTPClient = RetryingHTTPClient(requestTimeout: .seconds(60))
    ) {
        self.url = url ?? shape.defaultURL
        self.shape = shape
        self.http = http
        self.http.headers.replaceOrAdd(name: shape.keyHeader, value: apiKey)
    }

    /// Searches the web for `query`.
    /// - Throws: `HTTPCallError` (`.invalidResponse` for an unexpected shape).
    public func search(_ query: String, topK: Int) async throws(HTTPCallError) -> [SearchHit] {
        switch shape {
        case .serper: try await serper(query, topK: topK)
        case .bing: try await bing(query, topK: topK)
        }
    }

    private func serper(_ query: String, topK: Int) async throws(HTTPCallError) -> [SearchHit] {
        let body: Data
        do {
            body = try JSONEncoder().encode(SerperRequest(q: query, num: topK))
        } catch {
            throw .invalidResponse("cannot encode the request: \(error)")
        }
        let answer = try Self.decode(SerperAnswer.self, from: try await http.postJSON(to: url, body: body))
        return (answer.organic ?? []).prefix(topK).map {
            SearchHit(title: $0.title, text: $0.snippet ?? "", url: $0.link)
        }
    }

    private func bing(_ query: String, topK: Int) async throws(HTTPCallError) -> [SearchHit] {
        guard var components = URLComponents(string: url) else { throw .invalidURL(url) }
        // Encoded by hand: URLQueryItem leaves `+` alone, which servers read as a space.
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let encoded = query.addingPercentEncoding(withAllowedCharacters: allowed) ?? query
        let added = "q=\(encoded)&count=\(topK)"
        components.percentEncodedQuery = components.percentEncodedQuery.map { $0 + "&" + added } ?? added
        guard let address = components.string else { throw .invalidURL(url) }
        let answer = try Self.decode(BingAnswer.self, from: try await http.getJSON(from: address))
        return (answer.webPages?.value ?? []).prefix(topK).map {
            SearchHit(title: $0.name, text: $0.snippet ?? "", url: $0.url)
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(HTTPCallError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw .invalidResponse("not a web search answer: \(error)")
        }
    }

    struct SerperRequest: Encodable {
        let q: String
        let num: Int
    }

    struct SerperAnswer: Decodable {
        struct Organic: Decodable {
            let title: String?
            let link: String?
            let snippet: String?
        }

        let organic: [Organic]?
    }

    struct BingAnswer: Decodable {
        struct Page: Decodable {
            let name: String?
            let url: String?
            let snippet: String?
        }

        struct Pages: Decodable {
            let value: [Page]?
        }

        let webPages: Pages?
    }
}
