import Benchmarks
import Foundation
import Hummingbird
import NIOCore
import ServerCore

/// Encodes API values: bare objects, snake_case keys set by each type,
/// sorted keys so output is stable.
enum JSONResponse {
    static func make<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: try encode(value)))
    }

    /// The body `make` sends: sorted keys, slashes unescaped.
    static func encode<Value: Encodable>(_ value: Value) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: try encoder.encode(value))
    }
}

extension Request {
    /// Decodes a JSON body of at most `limit` bytes, refusing other content
    /// types with 415 and bad JSON with 400 naming the problem.
    func decodeJSON<Value: Decodable>(_ type: Value.Type, limit: Int) async throws -> Value {
        guard let contentType = headers[.contentType], contentType.lowercased().hasPrefix("application/json") else {
            throw APIError.unsupportedMediaType("this route takes a JSON body (Content-Type: application/json)")
        }
        return try JSONDecoder().decode(Value.self, from: try await collectJSON(limit: limit))
    }

    /// The body of a JSON request, at most `limit` bytes (413 beyond), with
    /// no key given twice in one object (400 naming it).
    func collectJSON(limit: Int) async throws -> Data {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "payload_too_large", "a JSON body may have at most \(limit) bytes")
        }
        if let key = DuplicateKeyCheck.firstDuplicate(in: buffer.readableBytesView) {
            throw APIError.badRequest("duplicate_key", "the key \"\(key)\" appears twice in one object")
        }
        return Data(buffer: buffer)
    }
}

/// A list answer as the API shapes them: `{"<plural>":[...],"next":cursor-or-null}`.
struct ListPage<Item: Encodable>: Encodable {
    let key: String
    let items: [Item]
    let next: String?

    init(_ key: String, _ items: [Item], next: Int64?) {
        self.key = key
        self.items = items
        self.next = next.map(String.init)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encode(items, forKey: AnyCodingKey(key))
        try container.encode(next, forKey: AnyCodingKey("next"))  // null on the last page, as the contract says
    }
}
