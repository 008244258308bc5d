import Hummingbird
import ServerCore

extension PageController {
    /// `/training-jobs[?cursor=]`: not cached (statuses and steps change).
    @Sendable func trainingJobs(_ request: Request, context: AppRequestContext) async throws -> Response {
        let cursor = try Query.optionalInteger(request, "cursor")
        if let cursor, cursor < 1 {
            throw APIError.badRequest("invalid_parameter", "cursor must be a positive job id")
        }
        let page = try await training.list(limit: TrainingJobListPage.perPage, before: cursor.map(Int64.init))
        guard cursor == nil || !page.jobs.isEmpty else {
            throw APIError.notFound("there are no training jobs older than \(cursor ?? 0)")
        }
        let model = TrainingJobListPage(jobs: page.jobs, next: page.next, cursor: cursor.map(Int64.init))
        let chrome = renderer.chrome(title: "Training jobs", section: "training")
        return HTMLResponse.make(try renderer.render("training-jobs", chrome: chrome, page: model))
    }

    /// `/training-jobs/{id}`: not cached; a running job's page follows its
    /// events with `training-job.js` (or reloads itself without JavaScript).
    @Sendable func trainingJob(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Query.pathID(context, "id")
        let snapshot = try await training.chartSnapshot(job: id, keys: TrainingCharts.keys, limit: LineChart.maxPoints)
        let model = TrainingJobPage(snapshot: snapshot)
        let chrome = renderer.chrome(
            title: model.heading, section: "training", script: model.isLive ? "training-job.js" : nil,
            refreshSeconds: model.isLive ? 5 : nil)
        return HTMLResponse.make(try renderer.render("training-job", chrome: chrome, page: model))
    }

    /// `/training-jobs/{id}/charts`: the charts of the job page alone, drawn
    /// as on the page, for the live page to swap in (the browser draws none).
    @Sendable func trainingJobCharts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Query.pathID(context, "id")
        let snapshot = try await training.chartSnapshot(job: id, keys: TrainingCharts.keys, limit: LineChart.maxPoints)
        let model = TrainingJobPage(snapshot: snapshot)
        var response = HTMLResponse.make(try renderer.render("training-charts-fragment", chrome: renderer.chrome(title: ""), page: model))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `/engines`: not cached; replicas change state without a database write the caches key on.
    @Sendable func enginesPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        var views: [EngineController.ProfileView] = []
        for stored in try await engines.profiles.list() { views.append(try await engines.view(named: stored.profile.name)) }
        let model = EnginesPage(views, gpus: await engines.manager.gpus)
        let chrome = renderer.chrome(title: "Engines", section: "engines")
        return HTMLResponse.make(try renderer.render("engines", chrome: chrome, page: model))
    }
}
