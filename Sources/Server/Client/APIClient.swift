import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ServerCore

/// An error from talking to an aepo server, for CLI commands.
enum ClientError: Error, CustomStringConvertible {
    case invalidServerURL(String)
    case server(status: Int, code: String, message: String)
    case unreadableFile(String)
    case unarchivable(String, String)

    var description: String {
        switch self {
        case .invalidServerURL(let url): "not a usable server URL: \(url)"
        case .server(let status, let code, let message): "server answered \(status) \(code): \(message)"
        case .unreadableFile(let path): "cannot read \(path)"
        case .unarchivable(let path, let what): "cannot upload \(path): it is \(what)"
        }
    }
}

/// A small client for the aepo HTTP API, used by `aepo upload` and `aepo eval`.
struct APIClient {
    let baseURL: String
    let token: String?
    let http: HTTPClient

    /// The CLI's HTTP client: a server that is not there fails within seconds
    /// (AsyncHTTPClient retries refused connections until the connect timeout).
    static let defaultHTTPClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(timeout: .init(connect: .seconds(3))))

    init(server: String, token: String?, http: HTTPClient = APIClient.defaultHTTPClient) throws {
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https" else {
            throw ClientError.invalidServerURL(server)
        }
        self.baseURL = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.token = token
        self.http = http
    }

    /// Streams a file to `PUT /api/v1/checkpoints?name=`, reporting bytes sent.
    func uploadFile(
        at path: String, name: String, progress: @escaping @Sendable (Int64, Int64) -> Void
    ) async throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ClientError.unreadableFile(path) }
        defer { try? handle.close() }
        let size = Int64(try handle.seekToEnd())
        try handle.seek(toOffset: 0)
        var request = HTTPClientRequest(url: baseURL + "/api/v1/checkpoints?name=" + Self.queryEncode(name))
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        authorize(&request)
        let chunks = FileChunks(handle: handle, total: size, progress: progress)
        request.body = .stream(chunks, length: .known(size))
        return try await send(request)
    }

    /// Streams a directory as a tar made on the fly to
    /// `PUT /api/v1/checkpoints?name=` (`Content-Type: application/x-tar`),
    /// with its size announced so that the server can refuse it early.
    func uploadDirectory(
        at path: String, name: String, progress: @escaping @Sendable (Int64, Int64) -> Void
    ) async throws -> Data {
        let archive = try DirectoryArchive(root: URL(fileURLWithPath: path, isDirectory: true))
        var request = HTTPClientRequest(url: baseURL + "/api/v1/checkpoints?name=" + Self.queryEncode(name))
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: "application/x-tar")
        authorize(&request)
        request.body = .stream(ArchiveChunks(archive: archive, progress: progress), length: .known(archive.size))
        return try await send(request)
    }

    /// Sends a request and returns the body of a 2xx answer; API errors throw.
    func send(_ request: HTTPClientRequest, timeout: TimeAmount = .hours(24)) async throws -> Data {
        let response = try await http.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 256 << 20)
        let data = Data(buffer: body)
        guard (200..<300).contains(Int(response.status.code)) else {
            let decoded = try? JSONDecoder().decode(ErrorBody.self, from: data)
            throw ClientError.server(
                status: Int(response.status.code), code: decoded?.error.code ?? "http_error",
                message: decoded?.error.message ?? String(decoding: data.prefix(500), as: UTF8.self))
        }
        return data
    }

    func authorize(_ request: inout HTTPClientRequest) {
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
    }

    static func queryEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    private struct ErrorBody: Decodable {
        struct Detail: Decodable { let code: String; let message: String }
        let error: Detail
    }
}

/// A file read in 1 MiB chunks as an async sequence of buffers.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let handle: FileHandle
    let total: Int64
    let progress: @Sendable (Int64, Int64) -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle
        let total: Int64
        let progress: @Sendable (Int64, Int64) -> Void
        var sent: Int64 = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else { return nil }
            sent += Int64(data.count)
            progress(sent, total)
            return ByteBuffer(bytes: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: handle, total: total, progress: progress) }
}

extension APIClient {
    /// POSTs a JSON object and returns the answer's body.
    func postJSON(_ path: String, _ object: [String: Any]) async throws -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        authorize(&request)
        request.body = .bytes(try JSONSerialization.data(withJSONObject: object))
        return try await send(request, timeout: .minutes(5))
    }

    /// GETs a path and returns the answer's body.
    func get(_ path: String) async throws -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        authorize(&request)
        return try await send(request, timeout: .minutes(5))
    }

    /// Decodes an answer, naming the type on failure.
    func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw CommandFailure(message: "unexpected answer from the server (\(T.self)): \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
    }
}
