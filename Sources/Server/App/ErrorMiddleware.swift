import Hummingbird
import Logging

/// Turns every error a handler throws into the API's JSON error body: client
/// errors keep their 4xx status, anything else is logged and becomes a 500
/// that reveals nothing internal.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if let apiError = APIError(mapping: error) { throw apiError }
            if let httpError = error as? HTTPError {
                throw APIError(
                    httpError.status, Self.code(for: httpError.status),
                    httpError.body ?? httpError.status.reasonPhrase, headers: httpError.headers)
            }
            context.logger.error("request failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            throw APIError(.internalServerError, "internal", "the server failed to handle this request")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .contentTooLarge: "payload_too_large"
        case .unsupportedMediaType: "unsupported_media_type"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        default: status.code < 500 ? "bad_request" : "internal"
        }
    }
}
