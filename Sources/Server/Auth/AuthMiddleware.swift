import Hummingbird
import ServerCore

/// Guards write routes: no or an unknown bearer token is 401, a token whose
/// role is below `minimum` is 403. Reads stay public.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let database: AppDatabase
    let minimum: Role

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization],
            header.lowercased().hasPrefix("bearer ")
        else { throw APIError.unauthorized }
        let token = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        guard let record = try await database.writer.read({ db in try Tokens.find(token, in: db) }) else {
            throw APIError.unauthorized
        }
        guard record.role >= minimum else {
            throw APIError.forbidden("this route needs a \(minimum.rawValue) token; yours is \(record.role.rawValue)")
        }
        var context = context
        context.token = record
        return try await next(request, context)
    }
}
