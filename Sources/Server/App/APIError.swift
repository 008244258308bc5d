import Foundation
import Benchmarks
import Hummingbird
import NIOHTTP1
import ServerCore

/// An error a client can act on, rendered as `{"error":{"code","message"}}`
/// with a 4xx status. Every failure that reaches the HTTP edge is mapped to
/// one of these in ``APIError/init(mapping:)``, the single place where
/// library and store errors become statuses.
struct APIError: Error, HTTPResponseError, Equatable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ErrorBody(error: .init(code: code, message: message))
        let data = (try? JSONEncoder().encode(body)) ?? Data(#"{"error":{"code":"internal","message":"encoding failed"}}"#.utf8)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private struct ErrorBody: Encodable {
        struct Detail: Encodable { let code: String; let message: String }
        let error: Detail
    }
}

extension APIError {
    static func badRequest(_ code: String, _ message: String) -> APIError { .init(.badRequest, code, message) }
    static func notFound(_ message: String) -> APIError { .init(.notFound, "not_found", message) }
    static func conflict(_ message: String) -> APIError { .init(.conflict, "conflict", message) }
    static let unauthorized = APIError(
        .unauthorized, "unauthorized", "this route needs an Authorization: Bearer <token> header with a valid token",
        headers: [.wwwAuthenticate: "Bearer"])
    static func forbidden(_ message: String) -> APIError { .init(.forbidden, "forbidden", message) }
    static func unsupportedMediaType(_ message: String) -> APIError {
        .init(.unsupportedMediaType, "unsupported_media_type", message)
    }
    static func payloadTooLarge(limit: Int64) -> APIError {
        .init(.contentTooLarge, "payload_too_large", "the body exceeds the server's upload limit of \(limit) bytes")
    }
}

extension APIError {
    /// Maps any error thrown while handling a request to what the client sees.
    /// Errors that are not the client's fault stay 500s and are logged.
    init?(mapping error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as CoreError:
            let status: HTTPResponse.Status = switch error.kind {
            case .invalid: .badRequest
            case .notFound: .notFound
            case .conflict: .conflict
            case .misconfigured: .internalServerError
            }
            self.init(status, error.code, error.message)
        case let error as NameError:
            self = .badRequest("invalid_name", error.description)
        case let error as ArchiveError:
            if case .tooLarge = error {
                self.init(.contentTooLarge, "payload_too_large", error.description)
            } else {
                self = .badRequest("invalid_archive", error.description)
            }
        case let error as HFCheckpointError:
            self = .badRequest("invalid_hf_checkpoint", error.description)
        case let error as SafetensorsInspectionError:
            self = .badRequest("invalid_safetensors", error.description)
        case let error as CheckpointStoreError:
            switch error {
            case .notFound(let id): self = .notFound("no checkpoint with id \(id)")
            case .nameTaken(let name, let id):
                self = .conflict("the name \"\(name)\" already belongs to checkpoint \(id)")
            }
        case let error as EvaluationStoreError:
            switch error {
            case .notFound(let id): self = .notFound("no evaluation with id \(id)")
            }
        case let error as TrainingStoreError:
            switch error {
            case .notFound(let id): self = .notFound("no training job with id \(id)")
            }
        case let error as ReportedResultStoreError:
            switch error {
            case .notFound(let id): self = .notFound("no reported result with id \(id)")
            }
        case let error as LeaderboardQueryError:
            self = .badRequest("invalid_parameter", error.description)
        case let error as CorpusError:
            self = .badRequest("invalid_corpus", error.description)
        case let error as DatasetError:
            self = .badRequest("invalid_dataset", error.description)
        case let error as CatalogError:
            self = .notFound(error.description)
        case let error as HTTPParserError:
            // A body cut short of its Content-Length, or broken chunked
            // framing: the client sent malformed HTTP.
            self = .badRequest("malformed_body", "the request body is malformed or incomplete: \(error)")
        case let error as DecodingError:
            self = .badRequest("malformed_json", Self.describe(error))
        default:
            return nil
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context):
            return "the body is not valid JSON: \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "missing field \"\(Self.path(context.codingPath + [key]))\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "field \"\(Self.path(context.codingPath))\" has the wrong type: \(context.debugDescription)"
        @unknown default:
            return "the body could not be decoded"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
