import Benchmarks
import ServerCore

/// The model of `/evaluations/{id}`: status and progress (updated live by
/// `/static/evaluation.js` when JavaScript runs), results, and a page of
/// samples with their trajectories.
struct EvaluationPage: Sendable {
    struct ResultRow: Sendable {
        var benchmark: String
        var href: String
        var data: String
        var coverage: String
        var samples: Int
        var passAt1: String?
        var interval: String?
        var passAt5: String?
        var metric: String
        var shortSHA: String
        var sha256: String
        /// Errored samples (scored incorrect) and judge fallbacks, when any.
        var errors: Int
        var errorsHref: String?
        var judgeFallbacks: String?
    }

    struct Filter: Sendable {
        var title: String
        var href: String
        var current: Bool
    }

    var id: Int64
    var checkpointName: String
    var checkpointHref: String
    var status: String
    var isLive: Bool
    var error: String?
    var done: Int
    var total: Int
    var progressText: String
    var eventsURL: String
    var facts: [CheckpointPage.Fact]
    var results: [ResultRow]
    var hasResults: Bool
    var benchmarkFilters: [Filter]
    var verdictFilters: [Filter]
    var samples: [SampleCard]
    var hasSamples: Bool
    var pager: Pager
    var apiHref: String
    /// Errored samples over all benchmarks, and the link listing them apart.
    var errorCount: Int
    var errorsHref: String?
    /// The protocol label of the evaluation's configuration.
    var protocolName: String

    static let perPage = 20

    init(
        view: EvaluationView, sources: [String: DataSource], intervals: [String: BootstrapInterval.Interval],
        samples: [SampleDetail], totalSamples: Int, filter: PageStore.SampleFilter, page: Int
    ) {
        let path = "/evaluations/\(view.id)"
        func link(benchmark: String?, verdict: String?, page: Int? = nil) -> String {
            PageURL.make(path, [("benchmark", benchmark), ("verdict", verdict), ("page", page.map(String.init))]) + "#samples"
        }
        id = view.id
        checkpointName = view.checkpoint.name
        checkpointHref = "/checkpoints/\(view.checkpoint.id)"
        status = view.status.rawValue
        isLive = !view.status.isTerminal
        error = view.error
        done = view.progress.done
        total = view.progress.total
        let percent = view.progress.total > 0 ? Double(view.progress.done) / Double(view.progress.total) : 0
        progressText = "\(Format.count(view.progress.done)) of \(Format.count(view.progress.total)) samples (\(Format.percent(percent) ?? "0.0")%)"
        eventsURL = "/api/v1/evaluations/\(view.id)/events"
        facts = Self.facts(of: view)
        results = view.results.map { result in
            ResultRow(
                benchmark: result.benchmark,
                href: PageURL.make("/benchmarks/\(result.benchmark)", [("data", sources[result.benchmark]?.rawValue), ("dataset", result.datasetSHA256)]),
                data: sources[result.benchmark]?.rawValue ?? "unknown",
                coverage: "\(Format.count(result.itemsDone)) / \(Format.count(result.items))", samples: result.samples,
                passAt1: Format.percent(result.passAt1),
                interval: intervals[result.benchmark].map { "\(Format.percent($0.low) ?? "")–\(Format.percent($0.high) ?? "")" },
                passAt5: Format.percent(result.passAt5), metric: result.metric,
                shortSHA: Format.shortSHA(result.datasetSHA256), sha256: result.datasetSHA256, errors: result.errors,
                errorsHref: result.errors > 0 ? link(benchmark: result.benchmark, verdict: "error") : nil,
                judgeFallbacks: result.judgeFallbacks > 0 ? "\(result.judgeFallbacks) judge fallbacks" : nil)
        }
        hasResults = !results.isEmpty
        errorCount = view.results.reduce(0) { $0 + $1.errors }
        errorsHref = errorCount > 0 ? link(benchmark: nil, verdict: "error") : nil
        protocolName = view.protocol
        benchmarkFilters = [Filter(title: "All benchmarks", href: link(benchmark: nil, verdict: filter.verdict), current: filter.benchmark == nil)]
            + view.config.benchmarks.map { name in
                Filter(title: name, href: link(benchmark: name, verdict: filter.verdict), current: filter.benchmark == name)
            }
        verdictFilters = [nil, "correct", "incorrect", "no_answer", "error"].map { verdict in
            Filter(
                title: verdict.map { $0.replacingOccurrences(of: "_", with: " ") } ?? "All verdicts",
                href: link(benchmark: filter.benchmark, verdict: verdict), current: filter.verdict == verdict)
        }
        self.samples = samples.map(SampleCard.init)
        hasSamples = !samples.isEmpty
        pager = Pager(page: page, perPage: Self.perPage, total: totalSamples) { number in
            link(benchmark: filter.benchmark, verdict: filter.verdict, page: number)
        }
        apiHref = "/api/v1/evaluations/\(view.id)"
    }

    private static func facts(of view: EvaluationView) -> [CheckpointPage.Fact] {
        let config = view.config
        let caps: [String] = config.benchmarks.compactMap { name in config.itemCap(name).map { "\(name) \($0)" } }
        let items = caps.isEmpty ? "all" : "first " + caps.joined(separator: ", ") + " (results not ranked)"
        let preset = config.preset.map { " (preset \($0))" } ?? ""
        var prompt = "this project's default"
        if let stored = config.prompt {
            let name = stored.name.map { "\"\($0)\" " } ?? "inline "
            prompt = name + "sha256 " + String(stored.sha256.prefix(12))
        }
        let budget = Format.percent(config.maxErrorRate) ?? ""
        var facts: [CheckpointPage.Fact] = [
            CheckpointPage.Fact(key: "Protocol", value: view.protocol + preset),
            CheckpointPage.Fact(key: "Benchmarks", value: config.benchmarks.joined(separator: ", ")),
            CheckpointPage.Fact(key: "Samples per item", value: String(config.samples)),
            CheckpointPage.Fact(key: "Items", value: items),
            CheckpointPage.Fact(key: "Limits", value: limitsText(config.limits)),
            CheckpointPage.Fact(key: "System prompt", value: prompt),
            CheckpointPage.Fact(key: "Answer extraction", value: config.extraction.rawValue),
            CheckpointPage.Fact(key: "Failure budget", value: "fails above \(budget)% errored samples"),
            CheckpointPage.Fact(key: "Seed", value: String(config.seed)),
            CheckpointPage.Fact(key: "Sampling", value: "temperature \(config.sampling.temperature), top_p \(config.sampling.topP), top_k \(config.sampling.topK), repetition penalty \(config.sampling.repetitionPenalty)"),
            CheckpointPage.Fact(
                key: "Search",
                value: config.search.backend.rawValue + (config.search.url.map { " (\($0))" } ?? "")
                    + (config.search.summarizer.map { ", summarised by \($0.model) at \($0.url)" } ?? "")),
            CheckpointPage.Fact(key: "Judge", value: config.judge.map { "\($0.model) at \($0.url), \($0.mode.rawValue) rules" } ?? "none: rule-based checks"),
            CheckpointPage.Fact(key: "Concurrency", value: String(view.concurrency)),
            CheckpointPage.Fact(key: "Created", value: Format.time(view.createdAt) ?? view.createdAt),
        ]
        if let started = Format.time(view.startedAt) { facts.append(.init(key: "Started", value: started)) }
        if let finished = Format.time(view.finishedAt) { facts.append(.init(key: "Ended", value: finished)) }
        return facts
    }

    private static func limitsText(_ limits: AgentLimits) -> String {
        let python = Format.seconds(limits.pythonTimeoutSeconds)
        let sample = Format.seconds(limits.sampleTimeoutSeconds)
        return "\(limits.maxSearches) searches, \(limits.maxPythonCalls) python calls (\(python) s each), "
            + "\(limits.maxTokensPerCall) tokens per call, \(limits.maxContinuations) continuations per turn, "
            + "\(limits.maxModelCalls) model calls, \(sample) s per sample"
    }
}

/// One sample as the evaluation page shows it.
struct SampleCard: Sendable {
    struct Segment: Sendable {
        var kind: String
        var label: String
        var text: String
    }

    var benchmark: String
    var item: String
    var repeatNumber: Int
    var verdict: String
    var verdictText: String
    var score: String
    var question: String
    var gold: String
    var prediction: String?
    var calls: String
    var finishReason: String
    var segments: [Segment]
    /// Why the sample failed, or why the judge gave no verdict.
    var error: String?
    var judgeError: String?

    init(_ detail: SampleDetail) {
        let sample = detail.sample
        benchmark = sample.benchmark
        item = sample.item
        repeatNumber = sample.repeat
        verdict = sample.verdict
        verdictText = sample.verdict.replacingOccurrences(of: "_", with: " ")
        score = Format.fraction(sample.score) ?? ""
        question = detail.question ?? "(the dataset item is not stored)"
        gold = detail.answers.isEmpty ? "(none)" : detail.answers.joined(separator: " | ")
        prediction = sample.prediction
        calls = "\(sample.modelCalls) model, \(sample.searchCalls) search, \(sample.pythonCalls) python · \(Format.count(sample.latencyMS)) ms"
        finishReason = sample.finishReason
        error = sample.error
        judgeError = sample.judgeError
        segments = TrajectorySegments.parse(sample.trajectory).map { segment in
            let labels: [TrajectorySegment.Kind: String] = [
                .think: "thinking", .search: "search call", .python: "python call", .result: "tool result",
                .answer: "answer", .text: "text",
            ]
            return Segment(
                kind: segment.kind.rawValue,
                label: (labels[segment.kind] ?? segment.kind.rawValue) + (segment.closed ? "" : " (unfinished)"),
                text: segment.text)
        }
    }
}
