import AsyncHTTPClient
import Foundation
import NIOCore

/// Fetches one web page for the deep search: `http`/`https` only, a bounded
/// number of redirects (each target checked the same way), one timeout for
/// the whole page, and a byte cap — the body is streamed and reading stops
/// at the cap, so a huge or endless page costs at most `maxBytes`.
///
/// HTML becomes text (`HTMLText`); other text types (`text/*`, JSON, XML)
/// keep their text with whitespace collapsed; anything else (images, PDFs,
/// archives) is answered as "not text" without reading its body. A page
/// without a `Content-Type` is sniffed: markup is HTML, bytes without NUL
/// are text.
public struct PageFetcher: Sendable {
    /// The HTTP client; it must not follow redirects itself.
    public var client: HTTPClient
    /// Time allowed for one page, redirects included.
    public var timeout: Duration
    /// The most body bytes read.
    public var maxBytes: Int
    /// The most redirects followed.
    public var maxRedirects: Int

    /// Sent as `User-Agent`: some sites refuse clients that send none.
    public static let userAgent = "Mozilla/5.0 (compatible; aepo-deep-search/1.0)"

    /// The client pages are fetched with unless given another: redirects
    /// off (the fetcher checks and counts them), a 10 s connect timeout,
    /// no read timeout (the per-page timeout bounds the whole fetch). It is
    /// never shut down.
    public static let defaultClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: nil))
        configuration.connectionPool = .init(idleTimeout: .seconds(30))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Creates a fetcher.
    /// - Parameters:
    ///   - timeout: time per page (default 20 s, as the AEPO authors' fetch).
    ///   - maxBytes: body bytes read at most (default 2 MiB).
    ///   - maxRedirects: redirects followed at most (default 5).
    ///   - client: the HTTP client (default `defaultClient`).
    public init(
        timeout: Duration = .seconds(20), maxBytes: Int = 2 << 20, maxRedirects: Int = 5,
        client: HTTPClient = PageFetcher.defaultClient
    ) {
        self.client = client
        self.timeout = timeout
        self.maxBytes = maxBytes
        self.maxRedirects = maxRedirects
    }

    /// Fetches `url`.
    /// - Returns: the page's text, or a page marked as not text.
    /// - Throws: `PageFetchError`.
    public func fetch(_ url: String) async throws(PageFetchError) -> FetchedPage {
        let outcome: DeadlineOutcome<FetchedPage>
        do {
            outcome = try await withDeadline(ContinuousClock.now + timeout) { try await self.load(url) }
        } catch let error as PageFetchError {
            throw error
        } catch {
            throw Task.isCancelled ? .cancelled : .transport(String(describing: error))
        }
        guard case .finished(let page) = outcome else { throw .timedOut(seconds: timeout.seconds) }
        return page
    }

    /// Follows redirects to the page and reads it.
    private func load(_ start: String) async throws(PageFetchError) -> FetchedPage {
        var address = start
        var redirects = 0
        while true {
            guard let url = URL(string: address), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", url.host?.isEmpty == false
            else { throw .unsupportedURL(address) }
            var request = HTTPClientRequest(url: address)
            request.headers.add(name: "User-Agent", value: Self.userAgent)
            request.headers.add(name: "Accept", value: "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5")
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            } catch {
                throw classify(error)
            }
            let code = Int(response.status.code)
            if (300..<400).contains(code), code != 304 {
                guard let location = response.headers.first(name: "Location"),
                    let next = URL(string: location.trimmed, relativeTo: url)?.absoluteURL.absoluteString
                else { throw .badRedirect("HTTP \(code) from \(address) without a usable Location") }
                guard redirects < maxRedirects else { throw .tooManyRedirects(maxRedirects) }
                redirects += 1
                address = next
                continue
            }
            guard (200..<300).contains(code) else { throw .status(code) }
            return try await read(response, from: address)
        }
    }

    /// The page of a 2xx answer: its body read up to the cap, decoded.
    private func read(_ response: HTTPClientResponse, from url: String) async throws(PageFetchError) -> FetchedPage {
        let (mediaType, charset) = PageDecoding.contentType(response.headers.first(name: "Content-Type"))
        var kind = PageDecoding.kind(of: mediaType)
        // Not text: the body is never read (dropping it closes the connection).
        if kind == .other { return FetchedPage(url: url, contentType: mediaType, text: nil) }
        var bytes: [UInt8] = []
        var truncated = false
        do {
            for try await chunk in response.body {
                let room = maxBytes - bytes.count
                if chunk.readableBytes > room {
                    bytes += chunk.readableBytesView.prefix(room)
                    truncated = true
                    break
                }
                bytes += chunk.readableBytesView
            }
        } catch {
            throw classify(error)
        }
        if kind == .unknown { kind = PageDecoding.sniff(bytes) }
        guard kind != .other else { return FetchedPage(url: url, contentType: mediaType, text: nil) }
        let decoded = PageDecoding.decode(truncated ? PageDecoding.completeUTF8Prefix(bytes) : bytes, charset: charset)
        let text = kind == .html ? HTMLText.plainText(fromHTML: decoded) : HTMLText.collapsedLines(decoded)
        return FetchedPage(url: url, contentType: mediaType, text: text, truncated: truncated)
    }

    /// Maps an AsyncHTTPClient or NIO error to a `PageFetchError`.
    private func classify(_ error: any Error) -> PageFetchError {
        if Task.isCancelled || error is CancellationError { return .cancelled }
        guard let error = error as? HTTPClientError else { return .transport(String(describing: error)) }
        switch error {
        case .cancelled: return .cancelled
        case .deadlineExceeded, .readTimeout, .connectTimeout, .getConnectionFromPoolTimeout:
            return .timedOut(seconds: timeout.seconds)
        default: return .transport(String(describing: error))
        }
    }
}
