import Benchmarks
import Foundation
import Jinja
import Logging
import Trainer

/// Loads a built-in checkpoint's model: (checkpoint id, file) -> model.
/// The server's loader keeps one `BuiltinModel` per checkpoint; tests may
/// put a scripted model in its place.
package typealias BuiltinModelLoader = @Sendable (_ checkpoint: Int64, _ file: URL) async throws -> any CompletionModel

/// Builds the real sample executor of an evaluation: the checkpoint's model
/// (an endpoint client with one replica pool per endpoint, shared by
/// all evaluations, or the built-in engine), the checkpoint's agent setup,
/// each benchmark's tools (the configured search backend, or a built-in
/// suite's own knowledge base; the sandboxed python tool) and the scorer.
package struct AgentExecutorFactory: Sendable {
    package let config: ServerConfig
    package let checkpoints: CheckpointStore
    package let corpus: CorpusStore
    package let database: AppDatabase
    package let suites: BuiltinSuites
    package let logger: Logger
    package let replicaPools = EndpointReplicas()
    package let loadBuiltinModel: BuiltinModelLoader
    /// The built-in engine's loaded checkpoints (`hf` directories are loaded here).
    package let models: BuiltinModels
    package let python: BubblewrapPython
    package let math: MathScorerProvider
    /// The local launcher of engine profiles; nil: `hf` checkpoints run on the built-in engine only.
    package let engines: EngineManager?

    /// - Parameters:
    ///   - loadBuiltinModel: how built-in checkpoints are loaded; nil: into
    ///     the built-in engine, once per checkpoint.
    ///   - engines: the launcher of engine profiles (`"engine":"<profile>"`).
    package init(
        config: ServerConfig, checkpoints: CheckpointStore, corpus: CorpusStore, database: AppDatabase,
        suites: BuiltinSuites, logger: Logger, loadBuiltinModel: BuiltinModelLoader? = nil, engines: EngineManager? = nil
    ) {
        self.engines = engines
        self.config = config
        self.checkpoints = checkpoints
        self.corpus = corpus
        self.database = database
        self.suites = suites
        self.logger = logger
        let models = BuiltinModels()
        self.models = models
        self.loadBuiltinModel = loadBuiltinModel ?? { id, file in try await models.model(for: id, file: file) }
        self.math = MathScorerProvider(python: config.python, logger: logger)
        self.python = Self.sandbox(for: config)
    }

    /// The python tool's sandbox for a server's configuration: model code
    /// must not read the data directory (tokens, checkpoints); it may
    /// import what the project's venv holds (numpy, sympy, scipy).
    package static func sandbox(for config: ServerConfig) -> BubblewrapPython {
        BubblewrapPython(configuration: .init(venv: venv(of: config.python), hiddenPaths: [config.dataDirectory.path]))
    }

    @Sendable package func make(_ job: EvaluationJob) async throws -> any SampleExecutor {
        let checkpoint = try await checkpoints.checkpoint(id: job.checkpointID)
        let setup = try checkpoint.evaluability(engine: job.config.engine).setup
        let framing = try await framing(of: checkpoint, config: job.config)
        var model: any CompletionModel
        var contextLength: Int?
        if let served = checkpoint.endpoint {
            let apiKey = try served.apiKeyEnv.map { try key($0, for: "checkpoint \(checkpoint.id)'s endpoint") }
            let endpoint = OpenAIEndpoint(
                baseURL: served.url, model: served.model, apiKey: apiKey, maxConcurrency: served.maxConcurrency,
                otherReplicas: Array(served.urls.dropFirst()))
            let replicas = await replicaPools.replicas(for: endpoint)
            if job.config.promptTemplate == .server {
                // The server renders the model's template; the loop continues the assistant message.
                model = OpenAIChatClient(
                    endpoint: endpoint, replicas: replicas, logger: logger, chatTemplateKwargs: job.config.chatTemplateKwargs)
            } else {
                model = OpenAICompletionsClient(endpoint: endpoint, replicas: replicas, logger: logger)
            }
            // Learned once per run; without it, calls are not clamped and a 400 tells the numbers.
            contextLength = await ModelContext.fetch(endpoint)
            logger.info(
                "model context", metadata: ["eval.id": "\(job.id)", "model.context_length": "\(contextLength.map(String.init) ?? "unknown")"])
        } else if checkpoint.kind == .hf, let engine = job.config.engine, engine != "builtin" {
            (model, contextLength) = try await engineModel(engine, checkpoint: checkpoint, job: job)
        } else if checkpoint.kind == .hf {
            let directory = config.checkpointsDirectory.appendingPathComponent(checkpoint.digest ?? "", isDirectory: true)
            let builtin = try await models.hfModel(for: checkpoint.id, directory: directory)
            contextLength = builtin.engine.contextLength
            model = builtin
        } else {
            let file = config.checkpointsDirectory.appendingPathComponent(checkpoint.sha256 ?? "")
            model = try await loadBuiltinModel(checkpoint.id, file)
        }
        var loops: [String: AgentLoop] = [:]
        var configured: (any SearchBackend)?
        let python = TimedPython(runner: self.python, timeoutSeconds: job.config.limits.pythonTimeoutSeconds)
        for benchmark in job.config.benchmarks {
            // The configured backend is made once, for the first adapter that needs it.
            let tools = try Self.toolBox(for: benchmark, suites: suites, python: python, topK: job.config.search.topK) {
                if let configured { return configured }
                let backend = try searchBackend(job.config.search)
                configured = backend
                return backend
            }
            loops[benchmark] = AgentLoop(
                model: model, tools: tools, limits: job.config.limits, sampling: job.config.sampling,
                template: framing, logger: logger, contextLength: contextLength)
        }
        let judge = try job.config.judge.map { settings in
            let apiKey = try settings.apiKeyEnv.map { try key($0, for: "the judge") }
            return LLMJudge(
                client: OpenAIChatClient(
                    endpoint: OpenAIEndpoint(baseURL: settings.url, model: settings.model, apiKey: apiKey), logger: logger),
                mode: settings.mode, sampling: settings.effectiveSampling)
        }
        return AgentSampleExecutor(
            loops: loops, setup: setup, math: math, mathScorer: await math.scorer(), judge: judge,
            judgesMath: job.config.judge?.mode.judgesMath ?? false, extraction: job.config.extraction,
            prompt: job.config.prompt)
    }

    /// The framing of the evaluation's prompts: the checkpoint's chat
    /// template for `model` (the very one whose SHA-256 the configuration
    /// recorded), else the named template.
    private func framing(of checkpoint: CheckpointView, config: EvaluationConfig) async throws -> any PromptFraming {
        guard config.promptTemplate == .model else { return config.promptTemplate }
        let profile = try await CheckpointProfile.load(checkpoint, store: checkpoints, directory: self.config.checkpointsDirectory)
        guard let template = profile.chatTemplate,
            EndpointChatTemplate.sha256(of: template.source) == config.chatTemplateSHA256
        else {
            throw CoreError.invalid(
                "template_changed", "checkpoint \(checkpoint.id)'s chat template is not the one this evaluation was queued with")
        }
        var kwargs: [String: Value] = [:]
        for (key, value) in config.chatTemplateKwargs ?? [:] { kwargs[key] = Value(value) }
        return ChatTemplateFraming(template: template, kwargs: kwargs)
    }

    /// The virtual environment a python executable belongs to (the
    /// directory two levels up holding `pyvenv.cfg`), if any.
    static func venv(of python: URL?) -> String? {
        guard let python else { return nil }
        let root = python.deletingLastPathComponent().deletingLastPathComponent()
        return FileManager.default.fileExists(atPath: root.appendingPathComponent("pyvenv.cfg").path) ? root.path : nil
    }

    /// The tools of one benchmark's samples: a built-in suite's own
    /// (synth-hop searches its knowledge base), else the search backend
    /// `search` makes; python either way, and `topK` hits per query.
    /// - Parameters:
    ///   - benchmark: the benchmark's name.
    ///   - suites: the built-in suites.
    ///   - python: the python tool.
    ///   - topK: search hits per query.
    ///   - search: the backend of the adapters (called only for one); nil: no search tool.
    package static func toolBox(
        for benchmark: String, suites: BuiltinSuites, python: any PythonRunner, topK: Int,
        search: () throws -> (any SearchBackend)?
    ) rethrows -> ToolBox {
        guard let suite = suites.suite(named: benchmark) else {
            return ToolBox(search: try search(), python: python, topK: topK)
        }
        var tools = suite.toolBox(python: python)
        tools.topK = topK
        return tools
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
            let key = try key("AEPO_WEB_SEARCH_KEY", for: "the web search backend")
            let api = settings.url.map { WebSearchAPI(apiKey: key, url: $0) } ?? WebSearchAPI(apiKey: key)
            return CachedSearch(backend: api, cache: cache, key: "web:\(api.url)")
        case .deep:
            return try deepSearch(settings, cache: cache)
        }
    }
}
