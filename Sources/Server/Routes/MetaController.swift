import Assets
import Foundation
import Hummingbird
import ServerCore

/// Health, the OpenAPI description and Prometheus metrics.
struct MetaController: Sendable {
    let database: AppDatabase
    let metrics: ServerMetrics
    let publicDirectory: URL

    struct Health: Encodable {
        var status: String
        var schemaVersion: Int
        var version: String

        enum CodingKeys: String, CodingKey {
            case status, version
            case schemaVersion = "schema_version"
        }
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("healthz", use: health)
        router.get("openapi.yaml", use: openAPI)
        router.get("metrics", use: prometheus)
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        let version = try await database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") ?? 0
        }
        return try JSONResponse.make(Health(status: "ok", schemaVersion: version, version: AepoVersion.current))
    }

    @Sendable func openAPI(_ request: Request, context: AppRequestContext) async throws -> Response {
        let data = try Data(contentsOf: publicDirectory.appendingPathComponent("openapi.yaml"))
        return Response(
            status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func prometheus(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
    }
}

/// The product version shown by `/healthz` and page footers.
enum AepoVersion {
    static let current = "0.1.0"
}
