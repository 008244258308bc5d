import Foundation
import Testing

/// Malformed and abusive connections against a real `aepo serve`.
@Suite("Live server connections", .serialized)
struct LiveConnectionTests {
    static let bodyRoutes: [(method: String, path: String, contentType: String)] = [
        ("POST", "/api/v1/evaluations", "application/json"), ("POST", "/api/v1/training-jobs", "application/json"),
        ("POST", "/api/v1/checkpoints", "application/json"), ("PUT", "/api/v1/checkpoints?name=cut", "application/octet-stream"),
        ("PUT", "/api/v1/corpus", "application/x-ndjson"), ("PUT", "/api/v1/datasets/gsm8k", "application/x-ndjson"),
        ("POST", "/api/v1/reported-results", "application/json"),
    ]

    private func statusLine(_ server: LiveServer, _ request: String) throws -> String {
        let connection = try RawConnection(port: server.port)
        connection.send(request)
        connection.finishSending()
        return String(connection.receive().split(separator: "\r\n").first ?? "")
    }

    @Test func truncatedBodiesAndBrokenChunkingAre400OnEveryBodyRoute() throws {
        let work = try TemporaryDirectory.make()
        let server = try LiveServer(dataDirectory: work)
        for route in Self.bodyRoutes {
            let head = "\(route.method) \(route.path) HTTP/1.1\r\nHost: aepo\r\nAuthorization: Bearer \(server.adminToken)\r\n"
                + "Content-Type: \(route.contentType)\r\n"
            let truncated = try statusLine(server, head + "Content-Length: 100\r\n\r\n{\"a\":")
            #expect(truncated.hasPrefix("HTTP/1.1 400"), "\(route.method) \(route.path) truncated: \(truncated)")
            let chunked = try statusLine(server, head + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\nZZ\r\nxx\r\n")
            #expect(chunked.hasPrefix("HTTP/1.1 400"), "\(route.method) \(route.path) bad chunked: \(chunked)")
        }
        #expect(try curl(["-m", "2", "-o", "/dev/null", "-w", "%{http_code}", "\(server.baseURL)/healthz"]).output == "200")
        let temporary = try FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("tmp").path)
        #expect(temporary.isEmpty)
    }

    @Test func clientsTricklingHeadersAreCutAtTheIdleTimeout() throws {
        let work = try TemporaryDirectory.make()
        let server = try LiveServer(dataDirectory: work, arguments: ["--idle-timeout", "2s"])
        let connections = try (0..<100).map { _ in try RawConnection(port: server.port) }
        for connection in connections { connection.send("GET /healthz HTTP/1.1\r\nHost: aepo\r\n") }
        // One header byte per connection every 250 ms: never a complete head.
        let start = Date()
        var open = connections.count
        while Date().timeIntervalSince(start) < 8, open > 0 {
            open = connections.filter { $0.send("X") && !$0.isClosedByServer(milliseconds: 0) }.count
            usleep(250_000)
        }
        #expect(open == 0, "\(open) trickling connections still open after 8 s with a 2 s idle timeout")
        // Well-behaved clients are unaffected.
        #expect(try curl(["-m", "2", "-o", "/dev/null", "-w", "%{http_code}", "\(server.baseURL)/healthz"]).output == "200")
    }
}
