import Benchmarks
import Foundation
import HTTPTypes
import Hummingbird
import ServerCore

/// `/api/v1/evaluations`: queue, inspect and cancel evaluations.
struct EvaluationController: Sendable {
    let evaluations: EvaluationStore
    let checkpoints: CheckpointStore
    let datasets: DatasetStore
    let scheduler: EvaluationScheduler
    let prompts: PromptStore
    /// What the event streams of evaluations share.
    let hub: EventHub
    let maxJSONBytes: Int
    /// Where `hf` checkpoints are stored.
    let checkpointsDirectory: URL
    /// The engine profiles evaluations may name.
    var engines: EngineManager? = nil

    var submitter: EvaluationSubmitter {
        EvaluationSubmitter(
            evaluations: evaluations, checkpoints: checkpoints, datasets: datasets, scheduler: scheduler, prompts: prompts,
            checkpointsDirectory: checkpointsDirectory, engines: engines)
    }

    func addReadRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("evaluations", use: list)
        group.get("evaluations/{id}", use: show)
        group.get("evaluations/{id}/samples", use: samples)
        group.get("evaluations/{id}/events", use: events)
    }

    func addWriteRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("evaluations", use: create)
        group.post("evaluations/{id}/cancel", use: cancel)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(EvaluationRequest.self, limit: maxJSONBytes)
        let outcome = try await submitter.submit(body)
        return try await JSONResponse.make(try evaluations.view(outcome.id), status: outcome.queued ? .accepted : .ok)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let limit = try Query.integer(request, "limit", default: 50, range: 1...500)
        let cursor = try Query.optionalInteger(request, "cursor")
        let checkpoint = try Query.optionalInteger(request, "checkpoint")
        let page = try await evaluations.list(checkpointID: checkpoint.map(Int64.init), limit: limit, before: cursor.map(Int64.init))
        let views = try await evaluations.views(page.ids)
        return try JSONResponse.make(ListPage("evaluations", views, next: page.next))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await JSONResponse.make(try evaluations.view(try Query.pathID(context, "id")))
    }

    @Sendable func samples(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Query.pathID(context, "id")
        let limit = try Query.integer(request, "limit", default: 100, range: 1...1000)
        let cursor = try Query.optionalInteger(request, "cursor")
        let benchmark = request.uri.queryParameters["benchmark"].map(String.init)
        let page = try await evaluations.samples(id, benchmark: benchmark, limit: limit, after: cursor.map(Int64.init))
        return try JSONResponse.make(ListPage("samples", page.samples, next: page.next))
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Query.pathID(context, "id")
        let current = try await evaluations.view(id)
        guard !current.status.isTerminal else {
            throw APIError.conflict("evaluation \(id) is already \(current.status.rawValue)")
        }
        try await evaluations.setStatus(id, .cancelled, error: "cancelled on request")
        await scheduler.cancel(id)
        return try await JSONResponse.make(try evaluations.view(id))
    }

    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Query.pathID(context, "id")
        _ = try await evaluations.view(id)
        let lastEventID = (request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters["after"].map(String.init))
            .flatMap { Int64($0) }
        return EventStreamResponse(
            hub: hub, key: .evaluation(id), cursor: EvaluationEventCursor(store: evaluations, id: id, lastEventID: lastEventID)
        ).response()
    }
}
