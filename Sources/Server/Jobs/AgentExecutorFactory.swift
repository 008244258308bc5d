import Benchmarks
import Foundation
import Logging
import Trainer

/// Builds the real sample executor of an evaluation: the checkpoint's model
/// client (one concurrency limiter per endpoint, shared by all evaluations),
/// the configured search backend, the sandboxed python tool and the scorer.
struct AgentExecutorFactory: Sendable {
    let config: ServerConfig
    let checkpoints: CheckpointStore
    let corpus: CorpusStore
    let database: AppDatabase
    let logger: Logger
    let limiters = EndpointLimiters()
    let builtinModels = BuiltinModels()
    let python: BubblewrapPython
    let math: MathScorerProvider

    init(config: ServerConfig, checkpoints: CheckpointStore, corpus: CorpusStore, database: AppDatabase, logger: Logger) {
        self.config = config
        self.checkpoints = checkpoints
        self.corpus = corpus
        self.database = database
        self.logger = logger
        self.math = MathScorerProvider(python: config.python, logger: logger)
        // Model code must not read the data directory (tokens, checkpoints).
        self.python = BubblewrapPython(configuration: .init(hiddenPaths: [config.dataDirectory.path]))
    }

    @Sendable func make(_ job: EvaluationJob) async throws -> any SampleExecutor {
        let checkpoint = try checkpoints.checkpoint(id: job.checkpointID)
        let model: any CompletionModel
        if let served = checkpoint.endpoint {
            let endpoint = OpenAIEndpoint(baseURL: served.url, model: served.model, maxConcurrency: served.maxConcurrency)
            let limiter = await limiters.limiter(for: endpoint)
            model = OpenAICompletionsClient(endpoint: endpoint, limiter: limiter, logger: logger)
        } else {
            _ = try EvaluationController.evaluability(of: checkpoint)
            let file = config.checkpointsDirectory.appendingPathComponent(checkpoint.sha256 ?? "")
            model = try await builtinModels.model(for: checkpoint.id, file: file)
        }
        let tools = ToolBox(search: try searchBackend(job.config.search), python: python, topK: job.config.search.topK)
        let loop = AgentLoop(
            model: model, tools: tools, limits: job.config.limits, sampling: job.config.sampling,
            template: job.config.promptTemplate, logger: logger)
        let judge = job.config.judge.map { settings in
            LLMJudge(client: OpenAIChatClient(endpoint: OpenAIEndpoint(baseURL: settings.url, model: settings.model)))
        }
        return AgentSampleExecutor(loop: loop, scorer: Scorer(math: await math.scorer(), judge: judge))
    }

    private func searchBackend(_ settings: SearchSettings) throws -> any SearchBackend {
        let cache = SearchCache(database: database)
        switch settings.backend {
        case .local:
            return LocalCorpusSearch(corpus: corpus)
        case .http:
            let url = settings.url ?? ""
            return CachedSearch(backend: HTTPRetriever(url: url), cache: cache, key: "http:\(url)")
        case .web:
            guard let key = ProcessInfo.processInfo.environment["AEPO_WEB_SEARCH_KEY"], !key.isEmpty else {
                throw APIError.badRequest("not_configured", "the web search backend needs AEPO_WEB_SEARCH_KEY on the server")
            }
            let api = settings.url.map { WebSearchAPI(apiKey: key, url: $0) } ?? WebSearchAPI(apiKey: key)
            return CachedSearch(backend: api, cache: cache, key: "web:\(api.url)")
        }
    }
}

/// Built-in checkpoints loaded into the built-in engine, one per checkpoint,
/// shared by every evaluation of it.
actor BuiltinModels {
    private var loaded: [Int64: BuiltinModel] = [:]

    func model(for checkpoint: Int64, file: URL) throws -> BuiltinModel {
        if let model = loaded[checkpoint] { return model }
        let model = try BuiltinModel(contentsOf: file)
        loaded[checkpoint] = model
        return model
    }
}

/// One concurrency limiter per endpoint (url + model), shared by every
/// evaluation of it, so `max_concurrency` holds across evaluations.
actor EndpointLimiters {
    private var limiters: [String: ConcurrencyLimiter] = [:]

    func limiter(for endpoint: OpenAIEndpoint) -> ConcurrencyLimiter {
        let key = endpoint.baseURL + "\u{1F}" + endpoint.model
        if let existing = limiters[key] { return existing }
        let limiter = ConcurrencyLimiter(limit: endpoint.maxConcurrency)
        limiters[key] = limiter
        return limiter
    }
}

/// The math scorer with one long-lived math-verify worker, started once
/// (the server prewarms it at start); without a Python that has
/// `math_verify`, the Swift rules decide alone, and the log says so once.
actor MathScorerProvider {
    private let python: URL?
    private let logger: Logger
    private var startup: Task<MathScorer, Never>?

    init(python: URL?, logger: Logger) {
        self.python = python
        self.logger = logger
    }

    /// The scorer, waiting for the worker's start the first time.
    func scorer() async -> MathScorer {
        if let startup { return await startup.value }
        let python = self.python
        let logger = self.logger
        let task = Task<MathScorer, Never> {
            guard let python else { return MathScorer() }
            let worker = MathVerifyWorker(configuration: .init(python: python))
            do {
                try await worker.start()
                return MathScorer(worker: worker)
            } catch {
                logger.warning("math-verify unavailable; math answers are judged by the Swift rules only",
                               metadata: ["error": "\(error)"])
                return MathScorer()
            }
        }
        startup = task
        return await task.value
    }
}
