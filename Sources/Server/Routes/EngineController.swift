import Foundation
import Hummingbird
import ServerCore

/// `/api/v1/engines`: the admin's engine profiles and the state of their
/// replicas. Reads are public; writing or deleting a profile needs an admin
/// token. A profile with replicas starting or ready cannot be deleted
/// (409): they stop after the profile's `idle_seconds`, then it can.
struct EngineController: Sendable {
    let profiles: EngineProfileStore
    let replicas: EngineReplicaStore
    let manager: EngineManager
    let maxJSONBytes: Int

    /// A profile as the API shows it: its fields, where it came from, and
    /// its replicas' runs (`replica_runs`: `replicas` is the profile's count).
    struct ProfileView: Encodable, Sendable {
        var profile: EngineProfile
        var source: String
        var createdAt: String
        var updatedAt: String
        var replicas: [EngineReplicaView]?

        enum CodingKeys: String, CodingKey {
            case source
            case replicas = "replica_runs"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }

        func encode(to encoder: any Encoder) throws {
            try profile.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(source, forKey: .source)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(updatedAt, forKey: .updatedAt)
            try container.encodeIfPresent(replicas, forKey: .replicas)
        }
    }

    func addReadRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("engines", use: list)
        group.get("engines/{name}", use: show)
    }

    func addAdminRoutes(to group: RouterGroup<AppRequestContext>) {
        group.put("engines/{name}", use: put)
        group.delete("engines/{name}", use: delete)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let views = try await profiles.list().map {
            ProfileView(profile: $0.profile, source: $0.source, createdAt: $0.createdAt, updatedAt: $0.updatedAt)
        }
        return try JSONResponse.make(ListPage("engines", views, next: nil))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try JSONResponse.make(try await view(named: try Self.name(context)))
    }

    @Sendable func put(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.name(context)
        var profile = try await request.decodeJSON(EngineProfile.self, limit: maxJSONBytes)
        if !profile.name.isEmpty, profile.name != name {
            throw APIError.badRequest("invalid_engine", "the body names \"\(profile.name)\" but the URL \"\(name)\"")
        }
        profile.name = name
        let created = try await profiles.put(try profile.validated())
        var response = try JSONResponse.make(try await view(named: name), status: created ? .created : .ok)
        response.headers[.location] = "/api/v1/engines/\(name)"
        return response
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.name(context)
        guard try await profiles.profile(named: name) != nil else { throw APIError.notFound("no engine profile named \"\(name)\"") }
        if await manager.hasLiveReplicas(profile: name) {
            throw APIError.conflict(
                "engine \"\(name)\" has replicas starting or ready; they stop after its idle_seconds without calls, then it can be deleted")
        }
        _ = try await profiles.delete(name)
        return Response(status: .noContent)
    }

    /// The profile and its replicas, the live ones with their current output.
    func view(named name: String) async throws -> ProfileView {
        guard let stored = try await profiles.profile(named: name) else {
            throw APIError.notFound("no engine profile named \"\(name)\"")
        }
        let tails = await manager.liveLogTails()
        let rows = try await replicas.replicas(profile: name).map { row in
            var row = row
            if row.status.isLive, let tail = tails[row.id] { row.logTail = tail }
            return row
        }
        return ProfileView(
            profile: stored.profile, source: stored.source, createdAt: stored.createdAt, updatedAt: stored.updatedAt,
            replicas: rows)
    }

    private static func name(_ context: AppRequestContext) throws -> String {
        let raw = try context.parameters.require("name")
        let name = raw.removingPercentEncoding ?? raw
        guard name.range(of: EngineProfile.namePattern, options: .regularExpression) != nil else {
            throw APIError.badRequest(
                "invalid_name", "an engine name is 1-64 letters, digits, \".\", \"_\" or \"-\", starting with a letter or digit")
        }
        return name
    }
}
