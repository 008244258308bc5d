import Hummingbird
import Synchronization

/// Answers 405 with an `Allow` header, instead of the router's 404, when the
/// path is served but not with the request's method (`DELETE /healthz`).
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// A served path pattern (`{x}` matches one segment) and its methods.
    struct Pattern: Sendable {
        var segments: [Substring]
        var methods: Set<String>

        func matches(_ path: [Substring]) -> Bool {
            guard path.count == segments.count else { return false }
            return zip(segments, path).allSatisfy { pattern, segment in
                (pattern.hasPrefix("{") && pattern.hasSuffix("}") && !segment.isEmpty) || pattern == segment
            }
        }
    }

    /// The router's table, filled in once every route is added.
    final class Table: Sendable {
        private let stored = Mutex<[Pattern]>([])

        var patterns: [Pattern] { stored.withLock { $0 } }

        func fill(routes: [(path: String, method: String)]) {
            var methods: [String: Set<String>] = [:]
            for route in routes {
                let path = route.path.hasPrefix("/") ? String(route.path.dropFirst()) : route.path
                methods[path, default: []].insert(route.method)
            }
            let patterns = methods.map { path, methods in
                Pattern(segments: path.split(separator: "/", omittingEmptySubsequences: false), methods: methods)
            }
            stored.withLock { $0 = patterns }
        }
    }

    let table: Table

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            var path = request.uri.path
            if path.hasPrefix("/") { path.removeFirst() }
            if path.hasSuffix("/") && !path.isEmpty { path.removeLast() }
            let segments = path.split(separator: "/", omittingEmptySubsequences: false)
            let allowed = table.patterns.filter { $0.matches(segments) }.reduce(into: Set<String>()) { $0.formUnion($1.methods) }
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw error }
            let list = allowed.sorted().joined(separator: ", ")
            throw APIError(
                .methodNotAllowed, "method_not_allowed", "\(request.method.rawValue) is not served here; use \(list)",
                headers: [.allow: list])
        }
    }
}
