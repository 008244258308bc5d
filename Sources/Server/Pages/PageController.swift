import Hummingbird
import NIOCore
import ServerCore

/// The HTML pages: `/`, `/benchmarks`, `/benchmarks/{name}`,
/// `/checkpoints/{id}`, `/evaluations/{id}`, `/training-jobs` and
/// `/training-jobs/{id}`, rendered on the server and complete without
/// JavaScript. Ranking pages are cached per data generation; checkpoint,
/// evaluation and training pages show live state and are not.
struct PageController: Sendable {
    let renderer: PageRenderer
    let leaderboards: LeaderboardService
    let pageCache: RenderCache<ByteBuffer>
    let checkpoints: CheckpointStore
    let evaluations: EvaluationStore
    let pages: PageStore
    let training: TrainingStore
    /// The engine profiles and their replicas (`/engines`).
    let engines: EngineController

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group().add(middleware: PageErrorMiddleware(renderer: renderer))
        group.get("/", use: leaderboard)
        group.get("benchmarks", use: benchmarkIndex)
        group.get("benchmarks/{name}", use: benchmark)
        group.get("checkpoints/{id}", use: checkpoint)
        group.get("evaluations/{id}", use: evaluation)
        group.get("training-jobs", use: trainingJobs)
        group.get("training-jobs/{id}", use: trainingJob)
        group.get("training-jobs/{id}/charts", use: trainingJobCharts)
        group.get("engines", use: enginesPage)
    }

    /// The page at `key` for the current data generation, rendered on a miss.
    func cached(_ key: String, render: @escaping @Sendable () async throws -> ByteBuffer) async throws -> Response {
        let body = try await pageCache.value(for: key, generation: leaderboards.generation.current, compute: render)
        return HTMLResponse.make(body)
    }

    @Sendable func leaderboard(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = try LeaderboardService.query(request)
        return try await cached("/?" + query.key) { [leaderboards, renderer] in
            let (board, data) = try await leaderboards.leaderboard(for: query)
            let pageCount = LeaderboardPage.pageCount(rows: board.rows.count)
            guard query.page <= pageCount else {
                throw APIError.notFound("this ranking has \(pageCount) page\(pageCount == 1 ? "" : "s")")
            }
            let model = LeaderboardPage(
                board, page: query.page, hasImported: data.hasImported, reportedCount: data.reported.count,
                protocol: query.protocol)
            let chrome = renderer.chrome(title: "Leaderboard · \(board.source.title)", section: "leaderboard", wide: true)
            return try renderer.render("leaderboard", chrome: chrome, page: model)
        }
    }
}
