import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Testing
@testable import Benchmarks

@Suite("Fetching pages for the deep search")
struct PageFetcherTests {
    static let cap = 64 << 10

    /// A page server: HTML, text, binary, untyped, redirects, a missing
    /// page, a huge streamed page and one that never comes.
    static func routes(_ router: Router<BasicRequestContext>, gate: Gate) {
        router.get("page") { _, _ in
            page("<html><body><nav>Menu</nav><p>Paris is the capital of France.</p></body></html>", type: "text/html; charset=utf-8")
        }
        router.get("moved") { _, _ in redirect("page") }
        router.get("twice") { _, _ in redirect("/moved") }
        router.get("loop") { _, _ in redirect("/loop") }
        router.get("to-ftp") { _, _ in redirect("ftp://127.0.0.1/file") }
        router.get("plain") { _, _ in page("Line   one.\n\n\tLine two. <b>not markup</b>", type: "text/plain") }
        router.get("binary") { _, _ in page("\u{89}PNG\r\n\u{1A}\n\0\0\0", type: "image/png") }
        router.get("untyped") { _, _ in page("  <p>sniffed &amp; read</p>", type: nil) }
        router.get("missing") { _, _ in Response(status: .notFound) }
        router.get("slow") { _, _ in
            await gate.wait()
            return page("<p>too late</p>", type: "text/html")
        }
        router.get("huge") { _, _ in
            // 4 MiB of paragraphs, streamed: the fetcher must stop at the cap.
            Response(status: .ok, headers: [.contentType: "text/html"], body: .init { writer in
                for index in 0..<1024 {
                    let chunk = "<p>chunk \(index) " + String(repeating: "word ", count: 800) + "</p>\n"
                    try await writer.write(ByteBuffer(string: chunk))
                }
                try await writer.finish(nil)
            })
        }
    }

    static func page(_ body: String, type: String?) -> Response {
        var headers = HTTPFields()
        if let type { headers[.contentType] = type }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .found, headers: [.location: location])
    }

    /// Runs `body` against the page server with a fetcher of 60 s (a loaded CI machine is slow), the cap and 2 redirects.
    func withPages<T: Sendable>(_ body: @Sendable (String, PageFetcher) async throws -> T) async throws -> T {
        let gate = Gate()
        return try await StandInServer.with({ Self.routes($0, gate: gate) }) { base in
            // The gate opens before the server stops, whatever the test did.
            do {
                let result = try await body(base, PageFetcher(timeout: .seconds(60), maxBytes: Self.cap, maxRedirects: 2))
                await gate.open()
                return result
            } catch {
                await gate.open()
                throw error
            }
        }
    }

    @Test func htmlAndTextPagesBecomeText() async throws {
        try await withPages { base, fetcher in
            let html = try await fetcher.fetch(base + "/page")
            #expect(html == FetchedPage(url: base + "/page", contentType: "text/html", text: "Paris is the capital of France."))
            let plain = try await fetcher.fetch(base + "/plain")
            #expect(plain.text == "Line one.\nLine two. <b>not markup</b>")
            let untyped = try await fetcher.fetch(base + "/untyped")
            #expect(untyped.text == "sniffed & read" && untyped.contentType.isEmpty)
        }
    }

    @Test func nonTextPagesAreSkippedNotFailed() async throws {
        try await withPages { base, fetcher in
            let binary = try await fetcher.fetch(base + "/binary")
            #expect(binary == FetchedPage(url: base + "/binary", contentType: "image/png", text: nil))
        }
    }

    @Test func redirectsAreFollowedCountedAndChecked() async throws {
        try await withPages { base, fetcher in
            // A relative Location, then an absolute path: two redirects, the limit.
            let page = try await fetcher.fetch(base + "/twice")
            #expect(page.url == base + "/page" && page.text == "Paris is the capital of France.")
            await #expect(throws: PageFetchError.tooManyRedirects(2)) { try await fetcher.fetch(base + "/loop") }
            await #expect(throws: PageFetchError.unsupportedURL("ftp://127.0.0.1/file")) { try await fetcher.fetch(base + "/to-ftp") }
            await #expect(throws: PageFetchError.unsupportedURL("file:///etc/passwd")) { try await fetcher.fetch("file:///etc/passwd") }
            await #expect(throws: PageFetchError.status(404)) { try await fetcher.fetch(base + "/missing") }
        }
    }

    @Test func aHugePageIsReadOnlyUpToTheCap() async throws {
        try await withPages { base, fetcher in
            let page = try await fetcher.fetch(base + "/huge")
            let text = try #require(page.text)
            #expect(page.truncated)
            #expect(text.hasPrefix("chunk 0 word word"))
            #expect(text.utf8.count <= Self.cap && text.utf8.count > Self.cap / 2)
            #expect(!text.contains("chunk 1023"))
        }
    }

    @Test func aSlowPageTimesOut() async throws {
        try await withPages { base, _ in
            let fetcher = PageFetcher(timeout: .milliseconds(300), maxBytes: Self.cap)
            await #expect(throws: PageFetchError.timedOut(seconds: 0.3)) { try await fetcher.fetch(base + "/slow") }
        }
    }
}
