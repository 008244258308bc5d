import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// The web as the deep search sees it in tests, on one local server:
/// a Serper-shaped (`POST /serper`) and a Bing-shaped (`GET /bing`) search
/// API that refuse a wrong key, HTML pages, a redirect, a picture, a page
/// that never comes (until `release()`), a huge streamed page, and an
/// OpenAI-compatible summariser (`POST /v1/chat/completions`) whose model
/// name picks its behaviour: `summarizer` answers, `thinker` thinks first,
/// `broken` fails. Every request is counted by path.
final class DeepSearchStandIn: Sendable {
    static let key = "serper-secret"
    static let summary = "Summary: the tower is 330 metres tall [Page 1]."
    static let eiffelHTML = """
        <html><head><title>Eiffel</title><script>var tracking = "<p>no</p>";</script></head>
        <body><nav><a href="/">Home</a> | Tours</nav><h1>Eiffel Tower</h1>
        <p>The Eiffel Tower is a wrought-iron tower in Paris.</p>
        <p>The tower is 330&nbsp;metres tall and was finished in 1889.</p>
        <footer>&copy; Example</footer></body></html>
        """
    /// The text the search should make of `eiffelHTML`.
    static let eiffelText = """
        Eiffel Tower
        The Eiffel Tower is a wrought-iron tower in Paris.
        The tower is 330 metres tall and was finished in 1889.
        """

    private let counts = Mutex<[String: Int]>([:])
    private let prompts = Mutex<[[String: String]]>([])
    private let released = Mutex<[CheckedContinuation<Void, Never>]?>([])

    /// Requests seen, by path (`/serper`, `/pages/eiffel`, `/v1/chat/completions`, …).
    var requests: [String: Int] { counts.withLock { $0 } }
    /// All requests seen.
    var totalRequests: Int { counts.withLock { $0.values.reduce(0, +) } }
    /// The messages of each summariser request, role -> content.
    var summaryRequests: [[String: String]] { prompts.withLock { $0 } }

    /// Lets the slow page answer (call before stopping the server).
    func release() {
        let waiting = released.withLock { state in
            defer { state = nil }
            return state ?? []
        }
        for continuation in waiting { continuation.resume() }
    }

    private func waitForRelease() async {
        await withCheckedContinuation { continuation in
            let parked = released.withLock { state -> Bool in
                guard state != nil else { return false }
                state?.append(continuation)
                return true
            }
            if !parked { continuation.resume() }
        }
    }

    private func count(_ path: String) {
        counts.withLock { $0[path, default: 0] += 1 }
    }

    /// The results of a query: the slow page first for one that mentions
    /// "slow", the huge page alone for "huge", else the Eiffel page, a
    /// redirect to a Paris page and a picture.
    func results(for query: String, base: String) -> [(title: String, url: String, snippet: String)] {
        if query.contains("slow") {
            return [
                ("Slow page", base + "/pages/slow", "Never arrives."),
                ("Eiffel Tower", base + "/pages/eiffel", "The tower is 330 metres tall"),
            ]
        }
        if query.contains("huge") { return [("Huge page", base + "/pages/huge", "chunk 3")] }
        return [
            ("Eiffel Tower", base + "/pages/eiffel", "The <b>tower</b> is 330 metres tall"),
            ("Moved page", base + "/pages/moved", "Paris is the capital"),
            ("A picture", base + "/pages/picture.png", "A photo of the tower."),
        ]
    }

    /// A started stand-in; `stop()` releases the slow page and shuts it down.
    struct Running: Sendable {
        let group: ServiceGroup
        let port: Int
        var base: String { "http://127.0.0.1:\(port)" }
    }

    func start() async throws -> Running {
        let router = Router()
        addSearchRoutes(router)
        addPageRoutes(router)
        addSummarizerRoute(router)
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        var logger = Logger(label: "deep-search-stand-in")
        logger.logLevel = .critical
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        Task { try await group.run() }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return Running(group: group, port: port)
    }

    func stop(_ running: Running) async {
        release()
        await running.group.triggerGracefulShutdown()
    }

    private func addSearchRoutes(_ router: Router<BasicRequestContext>) {
        router.post("serper") { request, context -> Response in
            self.count("/serper")
            guard request.headers[HTTPField.Name("X-API-KEY")!] == Self.key else { return Response(status: .unauthorized) }
            struct Query: Decodable { let q: String; let num: Int }
            let query = try await request.decode(as: Query.self, context: context)
            let organic = self.results(for: query.q, base: Self.base(of: request)).prefix(query.num).map {
                ["title": $0.title, "link": $0.url, "snippet": $0.snippet]
            }
            return try Self.json(["organic": Array(organic)])
        }
        router.get("bing") { request, _ -> Response in
            self.count("/bing")
            guard request.headers[HTTPField.Name("Ocp-Apim-Subscription-Key")!] == Self.key else { return Response(status: .unauthorized) }
            let query = request.uri.queryParameters["q"].map(String.init) ?? ""
            let count = request.uri.queryParameters["count"].flatMap { Int(String($0)) } ?? 10
            let value = self.results(for: query, base: Self.base(of: request)).prefix(count).map {
                ["name": $0.title, "url": $0.url, "snippet": $0.snippet]
            }
            return try Self.json(["webPages": ["value": Array(value)]])
        }
    }

    private func addPageRoutes(_ router: Router<BasicRequestContext>) {
        router.get("pages/eiffel") { _, _ in
            self.count("/pages/eiffel")
            return Self.page(Self.eiffelHTML, type: "text/html; charset=utf-8")
        }
        router.get("pages/moved") { _, _ in
            self.count("/pages/moved")
            return Response(status: .movedPermanently, headers: [.location: "/pages/paris"])
        }
        router.get("pages/paris") { _, _ in
            self.count("/pages/paris")
            return Self.page("<p>Paris is the capital of France.</p>", type: "text/html")
        }
        router.get("pages/picture.png") { _, _ in
            self.count("/pages/picture.png")
            return Self.page("\u{89}PNG\r\n", type: "image/png")
        }
        router.get("pages/slow") { _, _ in
            self.count("/pages/slow")
            await self.waitForRelease()
            return Self.page("<p>Too late.</p>", type: "text/html")
        }
        router.get("pages/huge") { _, _ in
            self.count("/pages/huge")
            return Response(status: .ok, headers: [.contentType: "text/html"], body: .init { writer in
                for index in 0..<1024 {
                    try await writer.write(ByteBuffer(string: "<p>chunk \(index) " + String(repeating: "word ", count: 800) + "</p>\n"))
                }
                try await writer.finish(nil)
            })
        }
    }

    private func addSummarizerRoute(_ router: Router<BasicRequestContext>) {
        router.post("v1/chat/completions") { request, context -> Response in
            self.count("/v1/chat/completions")
            struct Body: Decodable {
                struct Message: Decodable { let role: String; let content: String }
                let model: String
                let messages: [Message]
            }
            let body = try await request.decode(as: Body.self, context: context)
            self.prompts.withLock { $0.append(Dictionary(body.messages.map { ($0.role, $0.content) }) { _, last in last }) }
            let text: String
            switch body.model {
            case "broken": return Response(status: .badRequest)
            case "thinker": text = "<think>The pages say 330.</think>\n\nSummary from a thinker."
            default: text = Self.summary
            }
            return try Self.json([
                "id": "chat-1", "object": "chat.completion", "model": body.model,
                "choices": [["index": 0, "message": ["role": "assistant", "content": text], "finish_reason": "stop"]],
            ])
        }
    }

    private static func base(of request: Request) -> String {
        "http://\(request.head.authority ?? "127.0.0.1")"
    }

    private static func page(_ body: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private static func json(_ object: Any) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))))
    }
}
