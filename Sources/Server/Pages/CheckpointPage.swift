import ServerCore

/// The model of `/checkpoints/{id}`: what the checkpoint is, its results and
/// its evaluations.
struct CheckpointPage: Sendable {
    struct Fact: Sendable {
        var key: String
        var value: String
    }

    struct ResultRow: Sendable {
        var benchmark: String
        var benchmarkHref: String
        var data: String
        var shortSHA: String
        var sha256: String
        var coverage: String
        var passAt1: String?
        var interval: String?
        var passAt5: String?
        var evaluationHref: String
        var evaluationID: Int64
        var finished: String?
    }

    struct EvaluationRow: Sendable {
        var id: Int64
        var href: String
        var status: String
        var benchmarks: String
        var progress: String
        var created: String?
    }

    struct FileRow: Sendable {
        var path: String
        var size: String
        var sha256: String
    }

    var id: Int64
    var name: String
    var kind: String
    var facts: [Fact]
    /// An `hf` checkpoint's files.
    var files: [FileRow]
    var hasFiles: Bool
    var metadata: [Fact]
    var hasMetadata: Bool
    var aliases: String?
    var trainingJob: String
    /// The training job of this server that produced the checkpoint.
    var trainingJobHref: String?
    var results: [ResultRow]
    var hasResults: Bool
    var evaluations: [EvaluationRow]
    var hasEvaluations: Bool

    /// - Parameters:
    ///   - checkpoint: the checkpoint shown.
    ///   - results: its finished results.
    ///   - evaluations: its evaluations, newest first.
    ///   - producedBy: the training job of this server whose final checkpoint it is, if any.
    init(
        checkpoint: CheckpointView, results: [CheckpointResult], evaluations: [EvaluationView],
        producedBy job: TrainingStore.Job? = nil
    ) {
        id = checkpoint.id
        name = checkpoint.name
        kind = switch checkpoint.kind {
        case .file: "Uploaded file"
        case .hf: "Hugging Face model directory"
        case .endpoint: "Model endpoint"
        }
        var facts: [Fact] = []
        if let sha = checkpoint.sha256 { facts.append(Fact(key: "SHA-256", value: sha)) }
        if let digest = checkpoint.digest { facts.append(Fact(key: "Digest", value: digest)) }
        if let bytes = checkpoint.bytes { facts.append(Fact(key: "Size", value: "\(Format.bytes(bytes)) (\(Format.count(Int(bytes))) bytes)")) }
        if let format = checkpoint.format { facts.append(Fact(key: "Format", value: format)) }
        if let tensors = checkpoint.tensors { facts.append(Fact(key: "Tensors", value: Format.count(tensors))) }
        if let parameters = checkpoint.parameters { facts.append(Fact(key: "Parameters", value: Format.count(Int(parameters)))) }
        facts += Self.hfFacts(checkpoint)
        if let endpoint = checkpoint.endpoint {
            if endpoint.urls.count > 1 {
                facts.append(Fact(key: "Replicas", value: endpoint.urls.joined(separator: ", ")))
            } else {
                facts.append(Fact(key: "Endpoint", value: endpoint.url))
            }
            facts.append(Fact(key: "Model", value: endpoint.model))
            let perReplica = endpoint.urls.count > 1 ? " per replica" : ""
            facts.append(Fact(key: "Max concurrency", value: String(endpoint.maxConcurrency) + perReplica))
            // The variable's name only: the key never leaves the server's environment.
            if let name = endpoint.apiKeyEnv { facts.append(Fact(key: "Key from", value: name)) }
        }
        facts.append(Fact(key: "Registered", value: Format.time(checkpoint.createdAt) ?? checkpoint.createdAt))
        self.facts = facts
        files = (checkpoint.files ?? []).map {
            FileRow(path: $0.path, size: Format.bytes($0.bytes), sha256: $0.sha256)
        }
        hasFiles = !files.isEmpty
        metadata = checkpoint.metadata.sorted { $0.key < $1.key }.map { Fact(key: $0.key, value: $0.value) }
        hasMetadata = !metadata.isEmpty
        aliases = checkpoint.aliases.isEmpty ? nil : checkpoint.aliases.joined(separator: ", ")
        if let job {
            let summary = TrainingJobSummary(job)
            trainingJob = "Training job \(job.id): \(summary.algorithm)" + (summary.task.map { " on \($0)" } ?? "")
            trainingJobHref = "/training-jobs/\(job.id)"
        } else {
            trainingJob = Self.trainingJob(metadata: checkpoint.metadata)
        }
        self.results = results.map { entry in
            let result = entry.result
            let total = entry.datasetItems ?? result.items
            return ResultRow(
                benchmark: result.benchmark,
                benchmarkHref: PageURL.make(
                    "/benchmarks/\(result.benchmark)", [("data", entry.source?.rawValue), ("dataset", result.datasetSHA256)]),
                data: entry.source?.rawValue ?? "unknown", shortSHA: Format.shortSHA(result.datasetSHA256),
                sha256: result.datasetSHA256,
                coverage: result.items == total
                    ? "\(Format.count(total)) items × \(result.samples)"
                    : "\(Format.count(result.items)) of \(Format.count(total)) items × \(result.samples) (not ranked)",
                passAt1: Format.percent(result.scores.passAt1),
                interval: result.interval.map { "\(Format.percent($0.low) ?? "")–\(Format.percent($0.high) ?? "")" },
                passAt5: Format.percent(result.scores.passAt5), evaluationHref: "/evaluations/\(result.evaluationID)",
                evaluationID: result.evaluationID, finished: Format.time(result.finishedAt))
        }
        hasResults = !self.results.isEmpty
        self.evaluations = evaluations.map { view in
            EvaluationRow(
                id: view.id, href: "/evaluations/\(view.id)", status: view.status.rawValue,
                benchmarks: view.config.benchmarks.joined(separator: ", "),
                progress: "\(Format.count(view.progress.done)) / \(Format.count(view.progress.total))",
                created: Format.time(view.createdAt))
        }
        hasEvaluations = !self.evaluations.isEmpty
    }

    /// The facts of an `hf` checkpoint that a file or an endpoint lacks.
    static func hfFacts(_ checkpoint: CheckpointView) -> [Fact] {
        guard checkpoint.kind == .hf else { return [] }
        var facts: [Fact] = []
        if let files = checkpoint.files { facts.append(Fact(key: "Files", value: Format.count(files.count))) }
        if let architecture = checkpoint.architecture { facts.append(Fact(key: "Architecture", value: architecture)) }
        if let modelType = checkpoint.modelType { facts.append(Fact(key: "Model type", value: modelType)) }
        if let dtype = checkpoint.dtype { facts.append(Fact(key: "Dtype", value: dtype)) }
        if let length = checkpoint.contextLength { facts.append(Fact(key: "Context length", value: Format.count(length))) }
        if let template = checkpoint.hasChatTemplate {
            facts.append(Fact(key: "Chat template", value: template ? "included" : "none"))
        }
        let engines = checkpoint.runnableBy ?? []
        facts.append(Fact(key: "Runnable by", value: engines.isEmpty ? "no engine yet" : engines.joined(separator: ", ")))
        if let message = checkpoint.message { facts.append(Fact(key: "Note", value: message)) }
        return facts
    }

    /// What is known of the run that produced a checkpoint no training job
    /// of this server produced: a trainer checkpoint still names its
    /// algorithm, task and step in its safetensors metadata.
    static func trainingJob(metadata: [String: String]) -> String {
        guard let algorithm = metadata["algorithm"] else {
            return "None recorded: this checkpoint was not produced by a training job of this server."
        }
        var parts = ["algorithm \(algorithm)"]
        if let task = metadata["task"] { parts.append("task \(task)") }
        if let step = metadata["step"] { parts.append("step \(step)") }
        if let seed = metadata["seed"] { parts.append("seed \(seed)") }
        return "None recorded on this server; the file's metadata says it was trained with "
            + parts.joined(separator: ", ") + "."
    }
}
