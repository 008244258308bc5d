import Hummingbird
import ServerCore

extension PageController {
    /// `/checkpoints/{id}`: not cached (it shows running evaluations' progress).
    @Sendable func checkpoint(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Query.pathID(context, "id")
        let checkpoint = try await checkpoints.checkpoint(id: id)
        let results = try await pages.results(checkpoint: id)
        let ids = try await evaluations.list(checkpointID: id, limit: 50, before: nil).ids
        let views = try await evaluations.views(ids)
        let model = await CheckpointPage(
            checkpoint: checkpoint, results: results, evaluations: views, producedBy: try training.job(producing: id))
        let chrome = renderer.chrome(title: checkpoint.name)
        return HTMLResponse.make(try renderer.render("checkpoint", chrome: chrome, page: model))
    }

    /// `/evaluations/{id}[?benchmark=&verdict=&page=]`: not cached (live progress).
    @Sendable func evaluation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Query.pathID(context, "id")
        let view = try await evaluations.view(id)
        let parameters = request.uri.queryParameters
        var filter = PageStore.SampleFilter()
        if let benchmark = parameters["benchmark"].map(String.init), !benchmark.isEmpty {
            guard view.config.benchmarks.contains(benchmark) else {
                throw APIError.badRequest("invalid_parameter", "evaluation \(id) has no benchmark \"\(benchmark)\"")
            }
            filter.benchmark = benchmark
        }
        if let verdict = parameters["verdict"].map(String.init), !verdict.isEmpty {
            guard ["correct", "incorrect", "no_answer", "error"].contains(verdict) else {
                throw APIError.badRequest("invalid_parameter", "verdict must be correct, incorrect, no_answer or error")
            }
            filter.verdict = verdict
        }
        let page = try LeaderboardService.Query.page(parameters["page"].map(String.init))
        let perPage = EvaluationPage.perPage
        let (samples, total) = try await pages.samples(
            evaluation: id, filter: filter, limit: perPage, offset: (page - 1) * perPage)
        guard page == 1 || !samples.isEmpty else {
            throw APIError.notFound("there are \(total) matching samples; page \(page) is past the last")
        }
        let intervals = try await evaluations.storedResults(id).compactMapValues(\.interval)
        let model = await EvaluationPage(
            view: view, sources: try pages.sources(evaluation: id), intervals: intervals, samples: samples,
            totalSamples: total, filter: filter, page: page)
        let chrome = renderer.chrome(
            title: "Evaluation \(id) · \(view.checkpoint.name)", script: model.isLive ? "evaluation.js" : nil,
            refreshSeconds: model.isLive ? 5 : nil)
        return HTMLResponse.make(try renderer.render("evaluation", chrome: chrome, page: model))
    }
}
