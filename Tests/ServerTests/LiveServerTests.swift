import Foundation
import Testing

/// Cases that need a real `aepo serve` process: curl's `Expect: 100-continue`,
/// clients that vanish, `kill -9`, SIGTERM draining and memory bounds.
@Suite("Live server", .serialized)
struct LiveServerTests {
    let work: URL

    init() throws { work = try TemporaryDirectory.make() }

    private func dataDirectory() throws -> URL { try TemporaryDirectory.make(in: work, prefix: "data-") }

    private func temporaryFiles(_ server: LiveServer) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: server.dataDirectory.appendingPathComponent("tmp").path)) ?? []
    }

    private func checkpointCount(_ server: LiveServer) throws -> Int {
        let body = try curl(["\(server.baseURL)/api/v1/checkpoints"]).output
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        return (object?["checkpoints"] as? [Any])?.count ?? -1
    }

    @Test func curlUploadGets100ContinueAnd201() throws {
        let server = try LiveServer(dataDirectory: try dataDirectory())
        let file = try makeFile(size: 3 << 20, in: work)
        let verbose = try curl([
            "-v", "-T", file.path, "-H", "Authorization: Bearer \(server.adminToken)",
            "-w", "\nstatus=%{http_code}", "\(server.baseURL)/api/v1/checkpoints?name=curl-upload", "--stderr", "-",
        ]).output
        #expect(verbose.contains("Expect: 100-continue"))
        #expect(verbose.contains("HTTP/1.1 100 Continue"))
        #expect(verbose.contains("status=201"))
        #expect(try checkpointCount(server) == 1)
        #expect(server.stop() == 0)
    }

    @Test func declaredBodyOverLimitIsRefusedBeforeItIsSent() throws {
        let server = try LiveServer(dataDirectory: try dataDirectory(), arguments: ["--max-upload", "1MiB"])
        let file = try makeFile(size: 3 << 20, in: work)
        let result = try curl([
            "-T", file.path, "-H", "Authorization: Bearer \(server.adminToken)", "-w", "\nstatus=%{http_code}",
            "\(server.baseURL)/api/v1/checkpoints?name=too-big",
        ]).output
        #expect(result.contains("status=413"))
        #expect(result.contains("payload_too_large"))
        #expect(temporaryFiles(server).isEmpty)
        #expect(try checkpointCount(server) == 0)
    }

    @Test func chunkedBodyOverLimitIsRefusedWhileStreaming() throws {
        let server = try LiveServer(dataDirectory: try dataDirectory(), arguments: ["--max-upload", "1MiB"])
        let file = try makeFile(size: 3 << 20, in: work)
        let result = try curl([
            "-T", file.path, "-H", "Transfer-Encoding: chunked", "-H", "Expect:",
            "-H", "Authorization: Bearer \(server.adminToken)", "-w", "\nstatus=%{http_code}",
            "\(server.baseURL)/api/v1/checkpoints?name=too-big",
        ]).output
        #expect(result.contains("status=413"))
        #expect(eventually { temporaryFiles(server).isEmpty })
        #expect(try checkpointCount(server) == 0)
    }

    @Test func clientThatDisconnectsLeavesNothing() throws {
        let server = try LiveServer(dataDirectory: try dataDirectory())
        let file = try makeFile(size: 16 << 20, in: work)
        let upload = try startCurl(
            ["-T", file.path, "--limit-rate", "2M", "--max-time", "1.5", "-H", "Authorization: Bearer \(server.adminToken)",
             "\(server.baseURL)/api/v1/checkpoints?name=cut-off"],
            output: work.appendingPathComponent("cut.out"))
        #expect(eventually { !temporaryFiles(server).isEmpty })
        upload.waitUntilExit()
        #expect(upload.terminationStatus != 0)
        #expect(eventually { temporaryFiles(server).isEmpty })
        #expect(try checkpointCount(server) == 0)
        #expect(try curl(["\(server.baseURL)/healthz"]).output.contains("ok"))
    }

    @Test func killDuringUploadLeavesNoRowAndNoTempFileAfterRestart() throws {
        let data = try dataDirectory()
        let server = try LiveServer(dataDirectory: data)
        let token = server.adminToken
        let file = try makeFile(size: 32 << 20, in: work)
        let upload = try startCurl(
            ["-T", file.path, "--limit-rate", "4M", "-H", "Authorization: Bearer \(token)",
             "\(server.baseURL)/api/v1/checkpoints?name=killed"],
            output: work.appendingPathComponent("killed.out"))
        #expect(eventually { !temporaryFiles(server).isEmpty })
        server.stop(signal: SIGKILL)
        upload.waitUntilExit()
        #expect(!temporaryFiles(server).isEmpty, "the killed server should have left its temp file")

        let restarted = try LiveServer(dataDirectory: data)
        #expect(temporaryFiles(restarted).isEmpty)
        #expect(try checkpointCount(restarted) == 0)
        #expect(restarted.adminToken == token)
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("checkpoints").path)
        #expect(checkpoints.isEmpty)
    }

    @Test func sigtermDrainsInFlightUploadAndExitsZero() throws {
        let server = try LiveServer(dataDirectory: try dataDirectory())
        let file = try makeFile(size: 6 << 20, in: work)
        let output = work.appendingPathComponent("drain.out")
        let upload = try startCurl(
            ["-T", file.path, "--limit-rate", "4M", "-H", "Authorization: Bearer \(server.adminToken)",
             "\(server.baseURL)/api/v1/checkpoints?name=drained"],
            output: output)
        #expect(eventually { !temporaryFiles(server).isEmpty })
        let status = server.stop(signal: SIGTERM)
        upload.waitUntilExit()
        #expect(status == 0)
        let answer = try String(contentsOf: output, encoding: .utf8)
        #expect(answer.contains(#""name":"drained""#), "\(answer)")

        let restarted = try LiveServer(dataDirectory: server.dataDirectory)
        #expect(try checkpointCount(restarted) == 1)
    }

    @Test func uploadMemoryStaysBounded() throws {
        let server = try LiveServer(dataDirectory: try dataDirectory())
        let file = try makeFile(size: 256 << 20, in: work, name: "big.bin")
        _ = try curl(["\(server.baseURL)/healthz"])
        let baseline = server.residentBytes()
        let upload = try startCurl(
            ["-T", file.path, "-H", "Authorization: Bearer \(server.adminToken)",
             "\(server.baseURL)/api/v1/checkpoints?name=big"],
            output: work.appendingPathComponent("big.out"))
        var peak = baseline
        while upload.isRunning {
            peak = max(peak, server.residentBytes())
            usleep(10_000)
        }
        let answer = try String(contentsOf: work.appendingPathComponent("big.out"), encoding: .utf8)
        #expect(answer.contains(#""bytes":268435456"#))
        let growth = peak - baseline
        #expect(growth < 64 << 20, "RSS grew by \(growth >> 20) MiB during a 256 MiB upload")
    }

    @Test func tokenCreateAndUploadCommands() throws {
        let data = try dataDirectory()
        let server = try LiveServer(dataDirectory: data)
        let writeToken = try runAepo(["token", "create", "--name", "ci", "--role", "write", "--data-dir", data.path])
        #expect(writeToken.status == 0)
        let lines = writeToken.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let token = String(lines.first ?? "")
        #expect(token.hasPrefix("aepo_"))

        let readToken = try runAepo(["token", "create", "--name", "viewer", "--role", "read", "--data-dir", data.path])
        let file = try makeFile(size: 2 << 20, in: work, name: "cli.bin")
        let refused = try runAepo([
            "upload", file.path, "--name", "cli", "--server", server.baseURL, "--token",
            readToken.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
        ])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("403"))

        let uploaded = try runAepo(["upload", file.path, "--name", "cli", "--server", server.baseURL, "--token", token])
        #expect(uploaded.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(uploaded.stdout.utf8)) as? [String: Any]
        #expect(object?["name"] as? String == "cli")
        #expect(object?["bytes"] as? Int == 2 << 20)
        #expect(uploaded.stderr.contains("100%"))

        let badRole = try runAepo(["token", "create", "--name", "x", "--role", "root", "--data-dir", data.path])
        #expect(badRole.status != 0)
        #expect(badRole.stdout.isEmpty)
    }
}
