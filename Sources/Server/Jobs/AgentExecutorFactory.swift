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
        return AgentSampleExecutor(loop: loop, scorer: Scorer(math: await math.scorer(), judge: judge), math: math)
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
