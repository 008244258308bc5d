import Foundation
import Testing

/// Directory uploads against a real `aepo serve`: curl and `aepo upload DIR`,
/// a client that vanishes, `kill -9`, and the server's memory while a large
/// archive streams through.
@Suite("Live directory uploads", .serialized)
struct LiveDirectoryUploadTests {
    let work: URL

    init() throws { work = try TemporaryDirectory.make() }

    private func dataDirectory() throws -> URL { try TemporaryDirectory.make(in: work, prefix: "data-") }

    private func temporaryEntries(_ data: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("tmp").path)) ?? []
    }

    private func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    private func checkpointCount(_ server: LiveServer) throws -> Int {
        (json(try curl(["\(server.baseURL)/api/v1/checkpoints"]).output)["checkpoints"] as? [Any])?.count ?? -1
    }

    /// `tar -cf` of `directory` (its last component becomes the archive's top directory).
    private func tar(_ directory: URL, to archive: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        process.arguments = ["-cf", archive.path, "-C", directory.deletingLastPathComponent().path, directory.lastPathComponent]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// A Hugging Face directory whose `model.safetensors` holds one U8 tensor of `size` pseudo-random bytes.
    private func largeCheckpoint(size: Int, name: String) throws -> URL {
        let directory = work.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try HFFixture.json(["architectures": ["BigForCausalLM"], "model_type": "big"])
            .write(to: directory.appendingPathComponent("config.json"))
        let header = Data(#"{"w":{"dtype":"U8","shape":[\#(size)],"data_offsets":[0,\#(size)]}}"#.utf8)
        let payload = try makeFile(size: size, in: work, name: "\(name).payload")
        let weights = directory.appendingPathComponent("model.safetensors")
        var prefix = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { prefix.append(contentsOf: $0) }
        try (prefix + header).write(to: weights)
        let handle = try FileHandle(forWritingTo: weights)
        try handle.seekToEnd()
        let source = try FileHandle(forReadingFrom: payload)
        while let chunk = try source.read(upToCount: 1 << 20), !chunk.isEmpty { handle.write(chunk) }
        try handle.close()
        try source.close()
        try FileManager.default.removeItem(at: payload)
        return directory
    }

    @Test func cliUploadsADirectoryAndCurlTheSameTarIsAnAlias() throws {
        let server = try LiveServer(dataDirectory: try dataDirectory())
        // An architecture the built-in engine does not run: stored as hf, runnable by nothing yet.
        let directory = work.appendingPathComponent("qwen-tiny")
        try HFFixture.write(HFFixture.llamaFiles(architecture: "Phi3ForCausalLM") + [.file("sub/notes.md", "# notes\n")], to: directory)
        // HF download state and git metadata are not part of the checkpoint.
        try HFFixture.write([.file(".cache/huggingface/download/x.metadata", "m"), .file(".git/HEAD", "ref")], to: directory)

        let uploaded = try runAepo([
            "upload", directory.path, "--name", "qwen-tiny", "--server", server.baseURL, "--token", server.adminToken,
        ])
        #expect(uploaded.status == 0, "\(uploaded.stderr)")
        #expect(uploaded.stderr.contains("100%"))
        let created = json(uploaded.stdout)
        #expect(created["kind"] as? String == "hf")
        #expect(created["architecture"] as? String == "Phi3ForCausalLM")
        #expect(created["runnable_by"] as? [String] == [])
        let paths = (created["files"] as? [[String: Any]])?.compactMap { $0["path"] as? String }
        #expect(paths == ["config.json", "generation_config.json", "model.safetensors", "sub/notes.md", "tokenizer_config.json"])

        try FileManager.default.removeItem(at: directory.appendingPathComponent(".cache"))
        try FileManager.default.removeItem(at: directory.appendingPathComponent(".git"))
        let archive = work.appendingPathComponent("qwen-tiny.tar")
        try tar(directory, to: archive)
        let answer = try curl([
            "-T", archive.path, "-H", "Content-Type: application/x-tar", "-H", "Authorization: Bearer \(server.adminToken)",
            "-w", "\n%{http_code}", "\(server.baseURL)/api/v1/checkpoints?name=qwen-tiny-curl",
        ]).output
        #expect(answer.hasSuffix("\n200"), "\(answer)")
        let alias = json(String(answer.dropLast(4)))
        #expect(alias["digest"] as? String == created["digest"] as? String)
        #expect(alias["aliases"] as? [String] == ["qwen-tiny-curl"])

        let refused = try runAepo(["upload", work.appendingPathComponent("missing").path, "--name", "x",
                                   "--server", server.baseURL, "--token", server.adminToken])
        #expect(refused.status != 0)
        #expect(server.stop() == 0)
    }

    @Test func clientThatDisconnectsMidArchiveLeavesNothing() throws {
        let data = try dataDirectory()
        let server = try LiveServer(dataDirectory: data)
        let archive = work.appendingPathComponent("cut.tar")
        try tar(try largeCheckpoint(size: 16 << 20, name: "cut"), to: archive)
        let upload = try startCurl(
            ["-T", archive.path, "--limit-rate", "2M", "--max-time", "1.5", "-H", "Content-Type: application/x-tar",
             "-H", "Authorization: Bearer \(server.adminToken)", "\(server.baseURL)/api/v1/checkpoints?name=cut"],
            output: work.appendingPathComponent("cut.out"))
        #expect(eventually { !temporaryEntries(data).isEmpty })
        upload.waitUntilExit()
        #expect(upload.terminationStatus != 0)
        #expect(eventually { temporaryEntries(data).isEmpty })
        #expect(try checkpointCount(server) == 0)
    }

    @Test func killDuringArchiveUploadIsSweptAtTheNextStart() throws {
        let data = try dataDirectory()
        let server = try LiveServer(dataDirectory: data)
        let archive = work.appendingPathComponent("killed.tar")
        try tar(try largeCheckpoint(size: 32 << 20, name: "killed"), to: archive)
        let upload = try startCurl(
            ["-T", archive.path, "--limit-rate", "4M", "-H", "Content-Type: application/x-tar",
             "-H", "Authorization: Bearer \(server.adminToken)", "\(server.baseURL)/api/v1/checkpoints?name=killed"],
            output: work.appendingPathComponent("killed.out"))
        // Wait until the extraction directory holds the partly written weights.
        let partial = { () -> Bool in
            guard let entry = temporaryEntries(data).first else { return false }
            let weights = data.appendingPathComponent("tmp/\(entry)/killed/model.safetensors")
            return ((try? FileManager.default.attributesOfItem(atPath: weights.path)[.size] as? Int) ?? 0) > 0
        }
        #expect(eventually(partial))
        server.stop(signal: SIGKILL)
        upload.waitUntilExit()
        #expect(!temporaryEntries(data).isEmpty, "the killed server should have left its extraction directory")

        let restarted = try LiveServer(dataDirectory: data)
        #expect(temporaryEntries(data).isEmpty)
        #expect(try checkpointCount(restarted) == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("checkpoints").path).isEmpty)
    }

    @Test func archiveUploadMemoryStaysBounded() throws {
        let server = try LiveServer(dataDirectory: try dataDirectory())
        let archive = work.appendingPathComponent("big.tar")
        try tar(try largeCheckpoint(size: 256 << 20, name: "big"), to: archive)
        _ = try curl(["\(server.baseURL)/healthz"])
        let baseline = server.residentBytes()
        let output = work.appendingPathComponent("big.out")
        let upload = try startCurl(
            ["-T", archive.path, "-H", "Content-Type: application/x-tar", "-H", "Authorization: Bearer \(server.adminToken)",
             "\(server.baseURL)/api/v1/checkpoints?name=big"],
            output: output)
        var peak = baseline
        while upload.isRunning {
            peak = max(peak, server.residentBytes())
            usleep(10_000)
        }
        let answer = json(try String(contentsOf: output, encoding: .utf8))
        #expect(answer["kind"] as? String == "hf")
        #expect(answer["parameters"] as? Int == 256 << 20)
        let growth = peak - baseline
        #expect(growth < 64 << 20, "RSS grew by \(growth >> 20) MiB during a 256 MiB archive upload")
    }
}
