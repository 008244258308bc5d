import HTTPTypes
import Hummingbird
import NIOCore
import ServerCore

/// HTML answers with the headers every page carries.
enum HTMLResponse {
    /// Scripts and styles only from this origin: even a value that escaped
    /// escaping could not run inline script or load one from elsewhere.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    static let headers: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .contentSecurityPolicy: contentSecurityPolicy,
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
        .cacheControl: "no-cache",
    ]

    static func make(_ body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }
}

/// Renders the errors of page routes as HTML pages with the same 4xx status
/// the API would use; anything unexpected is logged and becomes a plain 500.
struct PageErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let renderer: PageRenderer

    struct ErrorPage: Sendable {
        var status: Int
        var reason: String
        var message: String
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = ErrorMiddleware.classify(error, request: request, context: context, action: "render this page")
            guard let page = Self.page(for: apiError, renderer: renderer) else { throw apiError }
            return page
        }
    }

    /// `error` as an HTML page with its status, or nil if rendering fails.
    static func page(for error: APIError, renderer: PageRenderer) -> Response? {
        let page = ErrorPage(status: Int(error.status.code), reason: error.status.reasonPhrase, message: error.message)
        let chrome = renderer.chrome(title: "\(page.status) \(page.reason)")
        guard let body = try? renderer.render("error", chrome: chrome, page: page) else { return nil }
        return HTMLResponse.make(body, status: error.status)
    }
}
