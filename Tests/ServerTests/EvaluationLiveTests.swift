import Foundation
import Testing

@testable import Server
@testable import ServerCore

/// Evaluations on a real `aepo serve` process: resume after `kill -9`, and
/// `aepo eval` as a CI job would run it.
@Suite("Evaluations on a live server", .serialized)
struct EvaluationLiveTests {
    let work: URL

    init() throws { work = try TemporaryDirectory.make() }

    private func prepare(_ server: LiveServer, modelPort: Int, maxConcurrency: Int) throws {
        let token = server.adminToken
        let dataset = work.appendingPathComponent("gsm8k-\(UUID().uuidString).jsonl")
        try Data(EvaluationFixture.gsm8k.utf8).write(to: dataset)
        _ = try curl(["-X", "PUT", "--data-binary", "@\(dataset.path)", "-H", "Authorization: Bearer \(token)",
                      "-H", "Content-Type: application/x-ndjson", "\(server.baseURL)/api/v1/datasets/gsm8k"])
        _ = try curl(["-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/json", "-d",
                      #"{"name":"fake","endpoint":{"url":"http://127.0.0.1:\#(modelPort)/v1","model":"fake","max_concurrency":\#(maxConcurrency)}}"#,
                      "\(server.baseURL)/api/v1/checkpoints"])
    }

    private func evaluation(_ server: LiveServer, id: Int64) throws -> EvaluationView {
        try JSONDecoder().decode(EvaluationView.self, from: Data(try curl(["\(server.baseURL)/api/v1/evaluations/\(id)"]).output.utf8))
    }

    @Test func killDuringEvaluationResumesWithoutRedoingOrLosingSamples() async throws {
        let model = FakeModelEndpoint(answers: EvaluationFixture.answers(), latency: .milliseconds(150))
        let (port, modelServer) = try await model.start()
        defer { modelServer.cancel() }
        let data = work.appendingPathComponent("data")
        let server = try LiveServer(dataDirectory: data)
        try prepare(server, modelPort: port, maxConcurrency: 2)
        let created = try curl([
            "-H", "Authorization: Bearer \(server.adminToken)", "-H", "Content-Type: application/json",
            "-d", #"{"checkpoint":"fake","benchmarks":["gsm8k"],"samples":5}"#, "\(server.baseURL)/api/v1/evaluations",
        ]).output
        let id = try JSONDecoder().decode(EvaluationView.self, from: Data(created.utf8)).id
        #expect(await eventually(seconds: 120) { ((try? evaluation(server, id: id))?.progress.done ?? 0) >= 5 })
        server.stop(signal: SIGKILL)
        let doneBeforeKill = try await AppDatabase.open(directory: data).writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sample") ?? 0
        }
        #expect(doneBeforeKill >= 5 && doneBeforeKill < 15)
        let startedBeforeKill = model.startedSamples.count

        let restarted = try LiveServer(dataDirectory: data)
        #expect(await eventually(seconds: 240) { (try? evaluation(restarted, id: id))?.status == .finished })
        let view = try evaluation(restarted, id: id)
        #expect(view.progress == .init(done: 15, total: 15))
        let result = try #require(view.results.first)
        #expect(abs((result.passAt1 ?? -1) - EvaluationFixture.expectedPassAt1) < 1e-12)
        #expect(abs((result.passAt5 ?? -1) - EvaluationFixture.expectedPassAt5) < 1e-12)
        // Samples written before the kill were not started again; at most the
        // two that were in flight are redone.
        let startedAfter = model.startedSamples.dropFirst(startedBeforeKill)
        #expect(startedAfter.count == 15 - doneBeforeKill)
        #expect(model.startedSamples.count <= 15 + 2)
    }

    @Test func evalCommandGatesCIWithExitCodesAndWritesReports() async throws {
        let model = FakeModelEndpoint(answers: EvaluationFixture.answers())
        let (port, modelServer) = try await model.start()
        defer { modelServer.cancel() }
        let server = try LiveServer(dataDirectory: work.appendingPathComponent("data-ci"))
        try prepare(server, modelPort: port, maxConcurrency: 8)
        let jsonPath = work.appendingPathComponent("out.json").path
        let junitPath = work.appendingPathComponent("out.xml").path
        let base = ["eval", "--server", server.baseURL, "--token", server.adminToken, "--checkpoint", "fake",
                    "--benchmarks", "gsm8k", "--samples", "5"]

        let ok = try runAepo(base + ["--json", jsonPath, "--junit", junitPath, "--min", "gsm8k:pass@1=0.40", "--min", "gsm8k:pass@5=0.66"])
        #expect(ok.status == 0, "\(ok.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: jsonPath))) as? [String: Any]
        #expect(report?["passed"] as? Bool == true)
        let checks = report?["thresholds"] as? [[String: Any]]
        #expect(checks?.count == 2)
        let junit = try String(contentsOfFile: junitPath, encoding: .utf8)
        #expect(junit.contains(#"tests="3" failures="0""#))
        #expect(junit.contains("gsm8k pass@1 &gt;= 0.4"))

        let below = try runAepo(base + ["--junit", junitPath, "--min", "gsm8k:pass@1=0.5"])
        #expect(below.status == 1)
        #expect(try String(contentsOfFile: junitPath, encoding: .utf8).contains(#"failures="1""#))

        // --endpoint registers the served model first, then evaluates it.
        let registered = try runAepo([
            "eval", "--server", server.baseURL, "--token", server.adminToken, "--endpoint", "http://127.0.0.1:\(port)/v1",
            "--model", "fake", "--name", "fake-again", "--benchmarks", "gsm8k", "--limit", "1", "--samples", "5",
            "--min", "gsm8k:pass@5=1.0",
        ])
        #expect(registered.status == 0, "\(registered.stderr)")
        #expect(try curl(["\(server.baseURL)/api/v1/checkpoints"]).output.contains(#""name":"fake-again""#))

        let badGate = try runAepo(base + ["--min", "gsm8k:pass@3=0.5"])
        #expect(badGate.status == 2)
        let unknownBenchmark = try runAepo(["eval", "--server", server.baseURL, "--token", server.adminToken,
                                            "--checkpoint", "fake", "--benchmarks", "mmlu"])
        #expect(unknownBenchmark.status == 2)
        #expect(unknownBenchmark.stderr.contains("mmlu"))
        let unreachable = try runAepo(["eval", "--server", "http://127.0.0.1:1", "--checkpoint", "1", "--benchmarks", "gsm8k"])
        #expect(unreachable.status == 2)
        let usage = try runAepo(["eval", "--server", server.baseURL])
        #expect(usage.status == 2)
    }
}

/// Runs the `aepo` binary and returns its exit status and outputs.
func runAepo(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = LiveServer.binary
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}
