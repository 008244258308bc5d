import Foundation
import Hummingbird
import Logging
import NIOCore
@testable import Benchmarks

/// A Hummingbird server on 127.0.0.1 and a free port, standing in for a
/// model, judge or search endpoint during one test.
enum StandInServer {
    struct DidNotStart: Error {}

    /// Starts a server with the routes `configure` adds, runs `body` with its
    /// base URL (`http://127.0.0.1:PORT`), then stops the server.
    static func with<T: Sendable>(
        _ configure: (Router<BasicRequestContext>) -> Void,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        let router = Router()
        configure(router)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "stand-in")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw DidNotStart() }
            let result = try await body("http://127.0.0.1:\(port)")
            group.cancelAll()
            return result
        }
    }

    /// A JSON response.
    static func json(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The request body decoded as a JSON object.
    static func jsonObject(of request: Request) async throws -> [String: JSONValue] {
        let buffer = try await request.body.collect(upTo: 1 << 22)
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        guard case .object(let object) = value else { return [:] }
        return object
    }

    /// A port on 127.0.0.1 where nothing listens (bound, then closed).
    static func closedPort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Records what a stand-in saw, across its concurrent handlers.
actor Recorder {
    private(set) var bodies: [[String: JSONValue]] = []
    private(set) var headers: [HTTPFields] = []
    private(set) var inFlight = 0
    private(set) var maxInFlight = 0

    var count: Int { bodies.count }

    /// Records one request and returns how many came before it.
    func record(_ body: [String: JSONValue], headers fields: HTTPFields = [:]) -> Int {
        bodies.append(body)
        headers.append(fields)
        return bodies.count - 1
    }

    func enter() {
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
    }

    func leave() { inFlight -= 1 }
}
