import Hummingbird
import Logging
import ServerCore

/// Turns every error a handler throws into the API's JSON error body: client
/// errors keep their 4xx status, anything else is logged and becomes a 500
/// that reveals nothing internal. A browser (`Accept: text/html`) asking for
/// a path outside `/api/` that matches no route gets the same error as an
/// HTML page when `pages` is set.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    var pages: PageRenderer?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = Self.classify(error, request: request, context: context, action: "handle this request")
            if let pages, Self.wantsHTML(request), let page = PageErrorMiddleware.page(for: apiError, renderer: pages) {
                return page
            }
            throw apiError
        }
    }

    /// What the client sees for `error`: a mapped client error, Hummingbird's
    /// own HTTP errors in the API's shape, or a logged 500 that reveals nothing.
    static func classify(_ error: any Error, request: Request, context: Context, action: String) -> APIError {
        if let mapped = APIError(mapping: error) { return mapped }
        if let httpError = error as? HTTPError {
            return APIError(
                httpError.status, code(for: httpError.status), httpError.body ?? httpError.status.reasonPhrase,
                headers: httpError.headers)
        }
        context.logger.error("request failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
        return APIError(.internalServerError, "internal", "the server failed to \(action)")
    }

    /// A browser's request for a page: outside the API, HTML accepted.
    static func wantsHTML(_ request: Request) -> Bool {
        !request.uri.path.hasPrefix("/api/") && (request.headers[.accept]?.contains("text/html") ?? false)
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
