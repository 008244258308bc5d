import Benchmarks
import Foundation
import ServerCore

/// What the pages say about a training job, read from its stored row: the
/// request as given (never the launch, which holds server paths), its
/// planned and reached steps, and its latest metric line.
struct TrainingJobSummary: Sendable {
    /// One value of the latest metric line, formatted.
    struct Metric: Sendable, Equatable {
        var key: String
        var value: String
    }

    var id: Int64
    var kind: String
    /// The algorithm of a built-in job, or the template's name.
    var algorithm: String
    var task: String?
    var status: JobStatus
    /// The request's steps (a template's `steps` parameter, or the trainer's `--steps`).
    var totalSteps: Int?
    /// The step of the latest metric line.
    var latestStep: Int?
    var latestMetrics: [Metric]
    /// The latest `critic/score/mean`, when the latest line has it.
    var latestReward: Double?
    /// The request as given, pretty-printed JSON.
    var configText: String
    var request: [String: JSONValue]

    init(_ job: TrainingStore.Job) {
        let stored = try? JSONDecoder().decode(StoredTrainingConfig.self, from: Data(job.config.utf8))
        let request = stored?.request ?? [:]
        self.request = request
        id = job.id
        kind = job.kind
        algorithm = job.template.map { "template \($0)" } ?? request["algorithm"]?.stringValue ?? job.kind
        task = request["task"]?.stringValue
        status = job.status
        totalSteps = Self.totalSteps(request: request, arguments: stored?.launch.arguments ?? [])
        let latest = job.latest.flatMap { try? JSONDecoder().decode([String: JSONValue].self, from: Data($0.utf8)) }
        latestStep = latest?["step"]?.numberValue.flatMap { $0.isFinite ? Int(exactly: $0.rounded()) : nil }
        var metrics: [Metric] = []
        if case .object(let data)? = latest?["data"] {
            for key in data.keys.sorted() {
                metrics.append(Metric(key: key, value: Self.text(of: data[key] ?? .null)))
            }
            latestReward = data["critic/score/mean"]?.numberValue.flatMap { $0.isFinite ? $0 : nil }
        }
        latestMetrics = metrics
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        configText = (try? encoder.encode(request)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// "12 / 200", "12", "– / 200".
    var stepsText: String {
        let done = latestStep.map(Format.count) ?? "–"
        return totalSteps.map { "\(done) / \(Format.count($0))" } ?? done
    }

    /// How a metric value is shown: integral numbers whole, others with six
    /// significant digits, strings as they are. `training-job.js` matches it.
    static func text(of value: JSONValue) -> String {
        switch value {
        case .number(let number): LineChart.number(exact: number)
        case .string(let string): string
        case .bool(let bool): bool ? "true" : "false"
        case .null: "null"
        case .array, .object:
            (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }

    /// The planned steps: `steps` of a built-in request, a template's
    /// `steps` parameter, else the `--steps` the trainer was started with.
    static func totalSteps(request: [String: JSONValue], arguments: [String]) -> Int? {
        if let steps = request["steps"]?.numberValue, steps.isFinite { return Int(exactly: steps.rounded()) }
        if case .object(let parameters)? = request["parameters"], let text = parameters["steps"]?.stringValue {
            return Int(text)
        }
        if let flag = arguments.firstIndex(of: "--steps"), flag + 1 < arguments.count {
            return Int(arguments[flag + 1])
        }
        return nil
    }
}
