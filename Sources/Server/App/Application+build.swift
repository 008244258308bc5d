import Assets
import Foundation
import Hummingbird
import Logging
import ServerCore

/// What a started application owns besides its router.
struct AppServices: Sendable {
    let config: ServerConfig
    let database: AppDatabase
    let checkpoints: CheckpointStore
    let datasets: DatasetStore
    let corpus: CorpusStore
    let evaluations: EvaluationStore
    let scheduler: EvaluationScheduler
    let training: TrainingStore
    let trainingManager: TrainingManager
    /// The one event source of evaluation and training-job streams.
    let hub: EventHub
    /// The shared source of the evaluations' event streams.
    let metrics: ServerMetrics
    let adminToken: AdminTokenSource
    let reported: ReportedResultStore
    /// Named system prompts (`/api/v1/prompts`).
    let prompts: PromptStore
    let pages: PageStore
    /// Bumped by every write the pages show; keys the page caches.
    let generation: DataGeneration
    let leaderboards: LeaderboardService
    let renderer: PageRenderer
    let staticFiles: StaticFiles
    /// Rendered ranking pages and JSON, by URL and data generation.
    let pageCache: RenderCache<ByteBuffer>
    /// Engine profiles and their replicas (the local launcher).
    let engines: EngineManager
    let engineReplicas: EngineReplicaStore
    let logger: Logger
    /// Work to do once the server runs (starting the math-verify worker).
    let prewarm: @Sendable () async -> Void
}

/// Builds the sample executor of an evaluation job.
typealias ExecutorFactory = @Sendable (EvaluationJob) async throws -> any SampleExecutor

/// Prepares the data directory: creates it, opens and migrates the
/// database, sweeps what a killed server left behind, ensures an admin token,
/// installs the sample sets and the built-in suites' test splits.
/// - Parameters:
///   - makeExecutor: replaces the agent executor altogether (tests).
///   - loadBuiltinModel: replaces how built-in checkpoints are loaded,
///     keeping the rest of the agent executor (tests).
func prepareServices(
    _ config: ServerConfig, logger: Logger, makeExecutor: ExecutorFactory? = nil,
    loadBuiltinModel: BuiltinModelLoader? = nil
) async throws -> AppServices {
    let fileManager = FileManager.default
    for directory in [config.dataDirectory, config.checkpointsDirectory, config.temporaryDirectory] {
        try fileManager.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
    // The data directory holds the database, the admin token and every
    // checkpoint: only the server's user may enter it, whoever created it.
    chmod(config.dataDirectory.path, 0o700)
    // Temp files are uploads that never completed: a killed server's leftovers.
    for name in (try? fileManager.contentsOfDirectory(atPath: config.temporaryDirectory.path)) ?? [] {
        try? fileManager.removeItem(at: config.temporaryDirectory.appendingPathComponent(name))
    }
    let database = try AppDatabase.open(directory: config.dataDirectory)
    let generation = DataGeneration()
    generation.observe(database)
    let checkpoints = CheckpointStore(database: database, directory: config.checkpointsDirectory)
    let swept = try await checkpoints.sweepUnreferencedFiles()
    if swept > 0 { logger.info("removed unreferenced checkpoint files", metadata: ["files": "\(swept)"]) }
    let datasets = DatasetStore(database: database)
    try await datasets.installSampleSets()
    let suites = try BuiltinSuites.published()
    try await datasets.installBuiltinSuites(suites)
    let adminToken = try await AdminToken.ensure(
        environmentToken: config.adminToken, dataDirectory: config.dataDirectory, database: database)
    let corpus = CorpusStore(database: database)
    let hub = EventHub()
    let evaluations = EvaluationStore(database: database, events: hub)
    let backfilled = try await evaluations.backfillResults()
    if backfilled > 0 { logger.info("wrote results of finished evaluations", metadata: ["evaluations": "\(backfilled)"]) }
    let staticFiles = StaticFiles(directory: Assets.publicDirectory.appendingPathComponent("static", isDirectory: true))
    let renderer = try PageRenderer.load(
        directory: Assets.publicDirectory.appendingPathComponent("templates", isDirectory: true),
        version: AepoVersion.current, schemaVersion: try await database.schemaVersion(), assetVersion: staticFiles.fingerprint)
    let engineProfiles = EngineProfileStore(database: database)
    let fromFile = try await engineProfiles.importFile(dataDirectory: config.dataDirectory)
    if !fromFile.isEmpty { logger.info("engine profiles read", metadata: ["engine.profiles": "\(fromFile)"]) }
    let engineReplicas = EngineReplicaStore(database: database)
    let engines = EngineManager(
        store: engineReplicas, profiles: engineProfiles, gpus: config.engineGPUs, logger: logger, stopGrace: config.engineStopGrace,
        environment: config.environment, instance: try await ServerInstance.id(database),
        checkpointsDirectory: config.checkpointsDirectory)
    // Before any evaluation resumes: what a killed server left running is stopped, then fresh replicas start.
    let orphans = try await engines.recoverOrphans()
    if !orphans.isEmpty { logger.info("stopped orphaned engine replicas", metadata: ["engine.replicas": "\(orphans)"]) }
    let factory: ExecutorFactory
    let prewarm: @Sendable () async -> Void
    if let makeExecutor {
        factory = makeExecutor
        prewarm = {}
    } else {
        let agents = AgentExecutorFactory(
            config: config, checkpoints: checkpoints, corpus: corpus, database: database, suites: suites, logger: logger,
            loadBuiltinModel: loadBuiltinModel, engines: engines)
        factory = agents.make
        prewarm = { await agents.math.prewarm() }
    }
    let runner = EvaluationRunner(store: evaluations, datasets: datasets, logger: logger, makeExecutor: factory)
    let scheduler = EvaluationScheduler(runner: runner)
    let prompts = PromptStore(database: database)
    let submitter = EvaluationSubmitter(
        evaluations: evaluations, checkpoints: checkpoints, datasets: datasets, scheduler: scheduler, prompts: prompts,
        checkpointsDirectory: config.checkpointsDirectory, engines: engines)
    let results = TrainingResults(
        checkpoints: checkpoints, submitter: submitter, inspector: HFDirectoryInspector(tensorCheck: config.hfTensorCheck),
        limits: ArchiveLimits(maxBytes: config.maxUploadBytes))
    let training = TrainingStore(database: database)
    let trainingManager = TrainingManager(
        store: training, hub: hub, logger: logger, settings: TrainingManager.Settings(config: config)
    ) { job, launch, merged in
        guard let merged else { return try await results.register(launch, job: job) }
        return try await results.registerMerged(launch, job: job, directory: merged.directory, step: merged.step)
    }
    return AppServices(
        config: config, database: database, checkpoints: checkpoints, datasets: datasets, corpus: corpus,
        evaluations: evaluations, scheduler: scheduler, training: training, trainingManager: trainingManager, hub: hub,
        metrics: ServerMetrics(),
        adminToken: adminToken, reported: ReportedResultStore(database: database), prompts: prompts,
        pages: PageStore(database: database),
        generation: generation,
        leaderboards: LeaderboardService(
            store: LeaderboardStore(database: database), generation: generation),
        renderer: renderer, staticFiles: staticFiles, pageCache: RenderCache(capacity: 512), engines: engines,
        engineReplicas: engineReplicas, logger: logger,
        prewarm: prewarm)
}

/// The router with every route and middleware; tests drive it directly.
func buildRouter(_ services: AppServices) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: services.metrics))
    router.add(middleware: ErrorMiddleware(pages: services.renderer))
    let methods = MethodNotAllowedMiddleware.Table()
    router.add(middleware: MethodNotAllowedMiddleware(table: methods))
    MetaController(database: services.database, metrics: services.metrics, publicDirectory: Assets.publicDirectory)
        .addRoutes(to: router)
    let checkpoints = CheckpointController(
        store: services.checkpoints, config: services.config, metrics: services.metrics)
    let benchmarks = BenchmarkController(
        datasets: services.datasets, maxDatasetBytes: services.config.maxDatasetBytes, cache: services.pageCache,
        generation: services.generation)
    let corpus = CorpusController(corpus: services.corpus, maxCorpusBytes: services.config.maxCorpusBytes)
    let evaluations = EvaluationController(
        evaluations: services.evaluations, checkpoints: services.checkpoints, datasets: services.datasets,
        scheduler: services.scheduler, prompts: services.prompts, hub: services.hub,
        maxJSONBytes: services.config.maxJSONBytes, checkpointsDirectory: services.config.checkpointsDirectory,
        engines: services.engines)
    let trainingJobs = TrainingJobController(
        store: services.training, manager: services.trainingManager, hub: services.hub, submitter: evaluations.submitter,
        config: services.config)
    services.staticFiles.addRoutes(to: router)

    let reported = ReportedResultController(store: services.reported, maxJSONBytes: services.config.maxJSONBytes)
    let prompts = PromptController(store: services.prompts, maxJSONBytes: services.config.maxJSONBytes)
    let engines = EngineController(
        profiles: services.engines.profiles, replicas: services.engineReplicas, manager: services.engines,
        maxJSONBytes: services.config.maxJSONBytes)
    PageController(
        renderer: services.renderer, leaderboards: services.leaderboards, pageCache: services.pageCache,
        checkpoints: services.checkpoints, evaluations: services.evaluations, pages: services.pages,
        training: services.training, engines: engines
    ).addRoutes(to: router)
    let api = router.group("api/v1")
    LeaderboardController(leaderboards: services.leaderboards, cache: services.pageCache).addRoutes(to: api)
    reported.addReadRoutes(to: api)
    prompts.addReadRoutes(to: api)
    trainingJobs.addReadRoutes(to: api)
    checkpoints.addReadRoutes(to: api)
    benchmarks.addReadRoutes(to: api)
    corpus.addReadRoutes(to: api)
    evaluations.addReadRoutes(to: api)
    engines.addReadRoutes(to: api)
    let writes = router.group("api/v1").add(middleware: AuthMiddleware(database: services.database, minimum: .write))
    checkpoints.addWriteRoutes(to: writes)
    benchmarks.addWriteRoutes(to: writes)
    corpus.addWriteRoutes(to: writes)
    evaluations.addWriteRoutes(to: writes)
    trainingJobs.addWriteRoutes(to: writes)
    let admin = router.group("api/v1").add(middleware: AuthMiddleware(database: services.database, minimum: .admin))
    reported.addAdminRoutes(to: admin)
    prompts.addAdminRoutes(to: admin)
    engines.addAdminRoutes(to: admin)
    methods.fill(routes: router.routes.map { (path: $0.path.description, method: $0.method.rawValue) })
    return router
}

/// Builds the `aepo serve` application: the router on an HTTP/1.1 server
/// that answers `Expect: 100-continue`, with graceful shutdown on SIGTERM.
func buildApplication(
    _ config: ServerConfig, logger: Logger, makeExecutor: ExecutorFactory? = nil,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let services = try await prepareServices(config, logger: logger, makeExecutor: makeExecutor)
    let maxUpload = config.maxUploadBytes
    return Application(
        router: buildRouter(services),
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [ExpectContinueHandler(maxBodyBytes: maxUpload)],
                idleTimeout: .nanoseconds(Int64(config.idleTimeout / .nanoseconds(1))))),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "aepo"),
        services: [
            // Listed first so it stops last: evaluations end before their replicas are stopped.
            EngineService(manager: services.engines),
            EvaluationService(
                store: services.evaluations, scheduler: services.scheduler, prewarm: services.prewarm, logger: logger),
            TrainingService(store: services.training, manager: services.trainingManager, logger: logger),
            ExternalWriteWatcher(generation: services.generation, database: services.database, logger: logger),
            EventHubHeartbeat(hub: services.hub),
        ],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? config.port) },
        logger: logger
    )
}
