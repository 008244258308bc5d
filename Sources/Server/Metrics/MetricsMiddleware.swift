import Hummingbird
import ServerCore

/// Records every request in ``ServerMetrics``, errors included.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let metrics: ServerMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            metrics.recordRequest(
                method: method, route: context.endpointPath ?? "unmatched", status: response.status.code,
                duration: ContinuousClock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.recordRequest(
                method: method, route: context.endpointPath ?? "unmatched", status: status,
                duration: ContinuousClock.now - start)
            throw error
        }
    }
}
