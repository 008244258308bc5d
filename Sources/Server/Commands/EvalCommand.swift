import ArgumentParser
import AsyncHTTPClient
import Foundation
import ServerCore

/// `aepo eval`: submit (or reuse) an evaluation, wait for it, write JSON and
/// JUnit, and gate CI on `--min` thresholds. Exit 0 when every threshold
/// holds, 1 when one fails, 2 on any error.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a checkpoint for CI: exit 0 ok, 1 below a --min, 2 on error.")

    @Option(help: "Server URL, e.g. http://127.0.0.1:8080.") var server: String
    @Option(help: "A write token (default: $AEPO_TOKEN).") var token: String?
    @Option(help: "An existing checkpoint id or name.") var checkpoint: String?
    @Option(help: "Upload this file first (with --name).") var file: String?
    @Option(help: "Register this OpenAI-compatible base URL first (with --model and --name).") var endpoint: String?
    @Option(help: "The served model name for --endpoint.") var model: String?
    @Option(help: "The checkpoint name for --file or --endpoint.") var name: String?
    @Option(help: "Comma-separated benchmarks, e.g. gsm8k,hotpotqa.") var benchmarks: String
    @Option(help: "Samples per item (Pass@5 needs 5).") var samples = 5
    @Option(help: "Only the first N items of each benchmark.") var limit: Int?
    @Option(help: "The evaluation seed.") var seed = 0
    @Option(help: "A named protocol, e.g. aepo-paper (docs/protocol.md).") var preset: String?
    @Option(help: "A stored system prompt's name.") var prompt: String?
    @Option(help: "Fail the evaluation when more than this fraction of its samples error (default 0.2).") var maxErrorRate: Double?
    @Option(help: "Samples in flight (default: the endpoint's max_concurrency).") var concurrency: Int?
    @Option(help: "Write the evaluation and threshold checks as JSON here.") var json: String?
    @Option(help: "Write JUnit XML here.") var junit: String?
    @Option(help: "A gate BENCH:pass@K=VALUE; repeatable.") var min: [String] = []
    @Option(help: "Give up after this many seconds.") var timeout: Double = 86_400

    func run() async throws {
        do {
            try await evaluate()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    private func evaluate() async throws {
        let thresholds = try min.map { text throws(ThresholdError) in try Threshold(parsing: text) }
        let client = try APIClient(server: server, token: token ?? ProcessInfo.processInfo.environment["AEPO_TOKEN"])
        let reference = try await checkpointReference(client)
        let started = ContinuousClock.now
        var body: [String: Any] = [
            "checkpoint": reference, "benchmarks": benchmarks.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
            "samples": samples, "seed": seed,
        ]
        if let limit { body["limit"] = limit }
        if let preset { body["preset"] = preset }
        if let prompt { body["prompt"] = prompt }
        if let maxErrorRate { body["max_error_rate"] = maxErrorRate }
        if let concurrency { body["concurrency"] = concurrency }
        var evaluation = try client.decode(EvaluationView.self, from: try await client.postJSON("/api/v1/evaluations", body))
        FileHandle.standardError.write(Data("evaluation \(evaluation.id) (\(evaluation.status.rawValue)) of \(evaluation.checkpoint.name)\n".utf8))
        let bar = ProgressBar(label: "eval \(evaluation.id)")
        let deadline = ContinuousClock.now + .seconds(timeout)
        while !evaluation.status.isTerminal {
            bar.update(done: Int64(evaluation.progress.done), total: Int64(evaluation.progress.total), bytes: false)
            guard ContinuousClock.now < deadline else { throw CommandFailure(message: "timed out after \(Int(timeout)) s") }
            try await Task.sleep(for: .seconds(1))
            evaluation = try await client.decode(EvaluationView.self, from: try await client.get("/api/v1/evaluations/\(evaluation.id)"))
        }
        bar.update(done: Int64(evaluation.progress.done), total: Int64(evaluation.progress.total), bytes: false, force: true)
        bar.finish()

        let checks = thresholds.map { ThresholdCheck.evaluate($0, results: evaluation.results) }
        let elapsed = (ContinuousClock.now - started).seconds
        try write(evaluation: evaluation, checks: checks, elapsed: elapsed)
        printSummary(evaluation, checks)
        guard evaluation.status == .finished else {
            throw CommandFailure(message: "evaluation \(evaluation.id) \(evaluation.status.rawValue): \(evaluation.error ?? "")")
        }
        if checks.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }

    /// The checkpoint to evaluate: given, uploaded, or registered.
    private func checkpointReference(_ client: APIClient) async throws -> Any {
        let sources = [checkpoint != nil, file != nil, endpoint != nil].filter { $0 }.count
        guard sources == 1 else { throw CommandFailure(message: "give exactly one of --checkpoint, --file or --endpoint") }
        if let checkpoint { return Int64(checkpoint).map { $0 as Any } ?? checkpoint }
        guard let name else { throw CommandFailure(message: "--file and --endpoint need --name") }
        if let file {
            let bar = ProgressBar(label: "upload")
            let data = try await client.uploadFile(at: file, name: name) { sent, total in bar.update(done: sent, total: total) }
            bar.finish()
            return try client.decode(CheckpointView.self, from: data).id
        }
        guard let endpoint, let model else { throw CommandFailure(message: "--endpoint needs --model") }
        let data = try await client.postJSON("/api/v1/checkpoints", ["name": name, "endpoint": ["url": endpoint, "model": model]])
        return try client.decode(CheckpointView.self, from: data).id
    }

    private func write(evaluation: EvaluationView, checks: [ThresholdCheck], elapsed: Double) throws {
        if let json {
            struct Report: Encodable {
                var evaluation: EvaluationView
                var thresholds: [ThresholdCheck]
                var passed: Bool
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let report = Report(evaluation: evaluation, thresholds: checks, passed: evaluation.status == .finished && checks.allSatisfy(\.passed))
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
        if let junit {
            try Data(JUnitReport.render(evaluation: evaluation, checks: checks, elapsedSeconds: elapsed).utf8)
                .write(to: URL(fileURLWithPath: junit))
        }
    }

    private func printSummary(_ evaluation: EvaluationView, _ checks: [ThresholdCheck]) {
        var lines = ["benchmark        pass@1   pass@5   items  metric"]
        for result in evaluation.results {
            let name = result.benchmark.padding(toLength: 16, withPad: " ", startingAt: 0)
            lines.append("\(name) \(JUnitReport.format(result.passAt1))   \(JUnitReport.format(result.passAt5))   \(result.itemsDone)/\(result.items)  \(result.metric)")
        }
        for check in checks {
            lines.append("\(check.passed ? "ok  " : "FAIL") \(check.threshold) (measured \(JUnitReport.format(check.value)))")
        }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
