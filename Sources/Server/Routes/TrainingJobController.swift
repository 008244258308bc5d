import Benchmarks
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import ServerCore

/// `/api/v1/training-jobs`: launch, watch and stop training.
struct TrainingJobController: Sendable {
    let store: TrainingStore
    let manager: TrainingManager
    let hub: EventHub
    let submitter: EvaluationSubmitter
    let config: ServerConfig

    /// A training job as the API shows it.
    struct JobView: Encodable {
        var id: Int64
        var kind: String
        var template: String?
        var status: JobStatus
        var error: String?
        var config: JSONValue
        var latest: JSONValue?
        var checkpointID: Int64?
        var evaluationID: Int64?
        /// The GPU devices it holds (when the server manages GPUs).
        var gpus: [Int]?
        /// Its process group (the supervisor's pid), once started (local jobs).
        var pid: Int32?
        /// Where it runs: `local` or `ray`.
        var launcher: String
        /// The Ray cluster and submission id (`"launcher": "ray"`).
        var ray: RayView?
        var createdAt: String
        var startedAt: String?
        var finishedAt: String?

        enum CodingKeys: String, CodingKey {
            case id, kind, template, status, error, config, latest, gpus, pid, launcher, ray
            case checkpointID = "checkpoint_id"
            case evaluationID = "evaluation_id"
            case createdAt = "created_at"
            case startedAt = "started_at"
            case finishedAt = "finished_at"
        }

        init(_ job: TrainingStore.Job) {
            let decoder = JSONDecoder()
            let stored = try? decoder.decode(StoredTrainingConfig.self, from: Data(job.config.utf8))
            id = job.id
            kind = job.kind
            template = job.template
            status = job.status
            error = job.error
            config = .object(stored?.request ?? [:])
            latest = job.latest.flatMap { try? decoder.decode(JSONValue.self, from: Data($0.utf8)) }
            checkpointID = job.checkpointID
            evaluationID = job.evaluationID
            gpus = job.gpus
            pid = job.pid
            launcher = stored?.launch.ray == nil ? "local" : "ray"
            ray = stored?.launch.ray.map { RayView(address: $0.address, submissionID: $0.submissionID) }
            createdAt = job.createdAt
            startedAt = job.startedAt
            finishedAt = job.finishedAt
        }
    }

    /// A Ray job's place on its cluster: `ray job status <submission_id> --address <address>` finds it.
    struct RayView: Encodable {
        /// The cluster's dashboard.
        var address: String
        var submissionID: String

        enum CodingKeys: String, CodingKey {
            case address
            case submissionID = "submission_id"
        }
    }

    func addReadRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("training-jobs", use: list)
        group.get("training-jobs/{id}", use: show)
        group.get("training-jobs/{id}/events", use: events)
    }

    func addWriteRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("training-jobs", use: create)
        group.post("training-jobs/{id}/cancel", use: cancel)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw APIError.unsupportedMediaType("this route takes a JSON body (Content-Type: application/json)")
        }
        let data = try await request.collectJSON(limit: config.maxJSONBytes)
        let body = try JSONDecoder().decode(TrainingRequest.self, from: data)
        let verbatim = try JSONDecoder().decode([String: JSONValue].self, from: data)
        let planner = TrainingPlanner(
            config: config, submitter: submitter, instance: try await ServerInstance.id(store.database))
        let plan = try await planner.validate(body)
        if plan.requiresAdmin, context.token?.role != .admin {
            throw APIError.forbidden("template \(body.template ?? "") needs an admin token")
        }
        let (id, launch) = try await store.createJob(
            kind: plan.kind, template: body.template, request: verbatim,
            jobsDirectory: config.dataDirectory.appendingPathComponent("jobs"), launch: plan.launch)
        await manager.start(id, launch: launch)
        return try await JSONResponse.make(JobView(try store.job(id)), status: .accepted)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let limit = try Query.integer(request, "limit", default: 50, range: 1...500)
        let cursor = try Query.optionalInteger(request, "cursor")
        let page = try await store.list(limit: limit, before: cursor.map(Int64.init))
        return try JSONResponse.make(ListPage("training_jobs", page.jobs.map(JobView.init), next: page.next))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await JSONResponse.make(JobView(try store.job(try Query.pathID(context, "id"))))
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Query.pathID(context, "id")
        let job = try await store.job(id)
        guard !job.status.isTerminal else { throw APIError.conflict("training job \(id) is already \(job.status.rawValue)") }
        await manager.cancel(id)
        return try await JSONResponse.make(JobView(try store.job(id)))
    }

    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Query.pathID(context, "id")
        _ = try await store.job(id)
        let after = (request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters["after"].map(String.init))
            .flatMap { Int64($0) } ?? 0
        return EventStreamResponse(hub: hub, key: .trainingJob(id), cursor: TrainingEventCursor(store: store, job: id, last: after))
            .response()
    }
}
