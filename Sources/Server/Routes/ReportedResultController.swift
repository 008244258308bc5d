import Foundation
import Hummingbird
import ServerCore

/// `/api/v1/reported-results`: results published elsewhere, entered by an
/// admin with their source; shown beside measured results, never ranked.
struct ReportedResultController: Sendable {
    let store: ReportedResultStore
    let maxJSONBytes: Int

    struct Page: Encodable {
        var reportedResults: [ReportedResult]
        var next: String?

        enum CodingKeys: String, CodingKey {
            case next
            case reportedResults = "reported_results"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(reportedResults, forKey: .reportedResults)
            try container.encode(next, forKey: .next)
        }
    }

    func addReadRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("reported-results", use: list)
        group.get("reported-results/{id}", use: show)
    }

    /// Writes need an admin token.
    func addAdminRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("reported-results", use: create)
        group.delete("reported-results/{id}", use: delete)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await JSONResponse.make(Page(reportedResults: try store.list(), next: nil))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await JSONResponse.make(try store.reported(id: try Query.pathID(context, "id")))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ReportedResultRequest.self, limit: maxJSONBytes).validated()
        return try await JSONResponse.make(try store.insert(body), status: .created)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await store.delete(id: try Query.pathID(context, "id"))
        return Response(status: .noContent)
    }
}
