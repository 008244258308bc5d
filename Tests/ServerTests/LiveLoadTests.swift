import Foundation
import Testing

/// The freeze a new user hit: a few dozen concurrent anonymous GETs wedged
/// the server for good (the cooperative pool's threads all waited in GRDB's
/// reader pool) and SIGTERM was ignored from then on.
@Suite("Live server under load", .serialized)
struct LiveLoadTests {
    @Test func twoThousandMixedGetsThenHealthzAnswersAndSigtermExitsZero() throws {
        let work = try TemporaryDirectory.make()
        let server = try LiveServer(dataDirectory: work, arguments: ["--drain-timeout", "10s"])
        // A few rows so that the list routes read something.
        for index in 0..<20 {
            let body = #"{"name":"endpoint-\#(index)","endpoint":{"url":"http://127.0.0.1:9/v1","model":"m"}}"#
            try curl([
                "-o", "/dev/null", "-H", "Authorization: Bearer \(server.adminToken)", "-H", "Content-Type: application/json",
                "--data", body, "\(server.baseURL)/api/v1/checkpoints",
            ])
        }
        let paths = [
            "/healthz", "/api/v1/benchmarks", "/api/v1/leaderboard", "/", "/api/v1/checkpoints", "/api/v1/evaluations",
            "/benchmarks", "/api/v1/training-jobs",
        ]
        // 8 paths x 250 = 2,000 requests, 64 in flight, one status line each.
        var arguments = ["-Z", "--parallel-max", "64", "--parallel-immediate", "-m", "60", "-w", "%{http_code}\\n"]
        for path in paths {
            arguments += ["-o", "/dev/null", "\(server.baseURL)\(path)\(path.contains("?") ? "&" : "?")n=[1-250]"]
        }
        let load = try curl(arguments)
        let statuses = load.output.split(separator: "\n")
        #expect(statuses.count == 2000)
        #expect(statuses.allSatisfy { $0 == "200" }, "statuses: \(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")

        let healthz = try curl(["-m", "1", "-o", "/dev/null", "-w", "%{http_code}", "\(server.baseURL)/healthz"])
        #expect(healthz.output == "200")

        kill(server.process.processIdentifier, SIGTERM)
        let exited = eventually(seconds: 15) { !server.process.isRunning }
        #expect(exited, "SIGTERM did not end the server within the 10 s drain timeout")
        if exited { #expect(server.process.terminationStatus == 0) }
    }
}
