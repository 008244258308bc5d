import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

/// `PUT/POST /api/v1/checkpoints?name=N` with `Content-Type: application/x-tar`.
@Suite("Directory (tar) uploads")
struct DirectoryUploadTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment(maxUploadBytes: 1 << 20) }

    var tarHeaders: HTTPFields {
        var headers = env.adminHeaders
        headers[.contentType] = "application/x-tar"
        return headers
    }

    func upload(_ client: some TestClientProtocol, _ name: String, _ data: Data, method: HTTPRequest.Method = .put) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/checkpoints?name=\(name)", method: method, headers: tarHeaders, body: ByteBuffer(bytes: data))
    }

    /// Nothing of a refused upload is left: no temp entry, no stored file, no row.
    func expectNothingLeft(_ comment: Comment? = nil) throws {
        #expect(env.temporaryTree().isEmpty, comment)
        #expect(env.checkpointFiles().isEmpty, comment)
        #expect(try env.checkpointRowCount() == 0, comment)
    }

    @Test func validDirectoryIsStoredUnderItsDigest() async throws {
        let files = HFFixture.llamaFiles()
        let archive = TarFixture.archive([.directory("my-ckpt")] + files.map { .file("my-ckpt/" + $0.path, $0.data ?? Data()) })
        let expected = DirectoryManifest(files: files.map {
            DirectoryManifest.File(path: $0.path, bytes: Int64($0.data?.count ?? 0), sha256: SHA256Hex.of($0.data ?? Data()))
        })
        try await env.application().test(.router) { client in
            let response = try await upload(client, "org/llama-tiny", archive)
            #expect(response.status == .created)
            let checkpoint = try response.body.json(CheckpointView.self)
            #expect(checkpoint.kind == .hf)
            #expect(checkpoint.digest == expected.digest)
            #expect(checkpoint.files == expected.files)
            #expect(checkpoint.bytes == expected.bytes)
            #expect(checkpoint.architecture == "LlamaForCausalLM")
            #expect(checkpoint.modelType == "llama")
            #expect(checkpoint.parameters == HFFixture.llamaParameters)
            #expect(checkpoint.tensors == 11)
            #expect(checkpoint.dtype == "bfloat16")
            #expect(checkpoint.contextLength == 2048)
            #expect(checkpoint.hasChatTemplate == true)
            #expect(checkpoint.runnableBy == ["builtin"])
            #expect(checkpoint.message == nil)
            #expect(checkpoint.sha256 == nil)
            let text = String(buffer: response.body)
            #expect(text.contains(#""runnable_by":["builtin"]"#) && !text.contains("\"message\""))

            let shown = try await client.execute(uri: "/api/v1/checkpoints/\(checkpoint.id)", method: .get)
            #expect(try shown.body.json(CheckpointView.self) == checkpoint)
            let page = try await client.execute(uri: "/checkpoints/\(checkpoint.id)", method: .get)
            let html = String(buffer: page.body)
            #expect(html.contains("Hugging Face model directory"))
            #expect(html.contains("LlamaForCausalLM") && html.contains(expected.digest))
            #expect(html.contains("<code>tokenizer_config.json</code>"))
        }
        let stored = env.services.config.checkpointsDirectory.appendingPathComponent(expected.digest)
        #expect(try Data(contentsOf: stored.appendingPathComponent("model.safetensors")) == files[1].data)
        #expect(env.checkpointFiles() == [expected.digest])
        #expect(env.temporaryTree().isEmpty)
    }

    @Test func sameContentAgainIsAnAliasWhateverTheArchiveLayout() async throws {
        let files = HFFixture.llamaFiles(architecture: "MambaForCausalLM")
        let flat = TarFixture.archive(files)
        // The same files in another order, under a top directory, with explicit directories.
        let nested = TarFixture.archive([.directory("x")] + files.reversed().map { .file("x/" + $0.path, $0.data ?? Data()) })
        try await env.application().test(.router) { client in
            let first = try await upload(client, "mamba", flat)
            #expect(first.status == .created)
            let created = try first.body.json(CheckpointView.self)
            #expect(created.runnableBy == [])
            #expect(created.message?.contains("does not run MambaForCausalLM") == true)
            let again = try await upload(client, "mamba-again", nested, method: .post)
            #expect(again.status == .ok)
            let existing = try again.body.json(CheckpointView.self)
            #expect(existing.id == created.id && existing.aliases == ["mamba-again"])
            let list = try await client.execute(uri: "/api/v1/checkpoints", method: .get)
            struct Page: Decodable { let checkpoints: [CheckpointView] }
            #expect(try list.body.json(Page.self).checkpoints.first?.files?.count == 4)
        }
        #expect(env.checkpointFiles().count == 1)
        #expect(env.temporaryTree().isEmpty)
    }

    @Test func singleFileUploadsAreUnchanged() async throws {
        try await env.application().test(.router) { client in
            // Without the tar content type a tar is just bytes.
            let tar = TarFixture.archive(HFFixture.llamaFiles())
            let response = try await client.execute(
                uri: "/api/v1/checkpoints?name=bytes", method: .put, headers: env.adminHeaders, body: ByteBuffer(bytes: tar))
            #expect(response.status == .created)
            #expect(try response.body.json(CheckpointView.self).kind == .file)
        }
    }

    @Test(arguments: [
        ("symlink", TarFixture.raw(name: "config.json", type: "2"), "is a symbolic link"),
        ("hardlink", TarFixture.raw(name: "model.safetensors", type: "1"), "is a hard link"),
        ("device", TarFixture.raw(name: "dev/sda", type: "4"), "is a block device"),
        ("fifo", TarFixture.raw(name: "pipe", type: "6"), "is a FIFO"),
        ("absolute", TarFixture.raw(name: "/etc/cron.d/x", type: "0", data: [1]), "\"/etc/cron.d/x\" has an unsafe path: it is absolute"),
        ("dotdot", TarFixture.raw(name: "a/../../x", type: "0", data: [1]), "\"a/../../x\" has an unsafe path"),
        ("pax-dotdot", TarFixture.pax([("path", "../../.ssh/authorized_keys")]) + TarFixture.raw(name: "k", type: "0", data: [1]), "../../.ssh/authorized_keys"),
        ("duplicate", TarFixture.raw(name: "config.json", type: "0", data: [1]) + TarFixture.raw(name: "./config.json", type: "0", data: [2]), "\"config.json\" appears twice"),
        ("under-file", TarFixture.raw(name: "a", type: "0", data: [1]) + TarFixture.raw(name: "a/b", type: "0", data: [2]), "lies under \"a\", which is a file"),
        ("long-component", TarFixture.pax([("path", String(repeating: "c", count: 300))]) + TarFixture.raw(name: "c", type: "0"), "a component over 255 bytes"),
    ] as [(String, [UInt8], String)])
    func attacksAreRefusedNamingTheEntry(label: String, entries: [UInt8], message: String) async throws {
        // A valid checkpoint around the malicious entry, so the entry alone is at fault.
        let good = [UInt8](TarFixture.archive(HFFixture.llamaFiles())).dropLast(1024)
        try await env.application().test(.router) { client in
            let response = try await upload(client, label, Data(good + entries + TarFixture.end))
            #expect(response.status == .badRequest, "\(label)")
            #expect(response.body.errorCode == "invalid_archive", "\(label)")
            #expect(response.body.errorMessage.contains(message), "\(label): \(response.body.errorMessage)")
        }
        try expectNothingLeft("\(label)")
    }

    @Test func tooManyEntriesAndTooManyBytes() async throws {
        let many = TarFixture.archive((0..<10_001).map { .file("f\($0)", Data()) })
        let big = TarFixture.archive([.file("config.json", "{}"), .file("model.safetensors", Data(count: 1 << 20))])
        // The 10,001 headers make a 5 MiB body: give this environment room for it.
        let roomy = try await TestEnvironment(maxUploadBytes: 8 << 20)
        try await roomy.application().test(.router) { client in
            let response = try await client.execute(
                uri: "/api/v1/checkpoints?name=many", method: .put, headers: tarHeaders,
                body: ByteBuffer(bytes: many))
            #expect(response.status == .badRequest)
            #expect(response.body.errorMessage.contains("more than 10000 entries"))
        }
        #expect(roomy.temporaryTree().isEmpty)
        try await env.application().test(.router) { client in
            let response = try await upload(client, "big", big)
            #expect(response.status == .contentTooLarge)
            #expect(response.body.errorCode == "payload_too_large")
        }
        try expectNothingLeft()
    }

    @Test func brokenArchivesAndInvalidCheckpointsLeaveNothing() async throws {
        let good = [UInt8](TarFixture.archive(HFFixture.llamaFiles()))
        var flipped = good
        flipped[700] ^= 1  // inside the config's data: fine for tar, bad JSON
        flipped[5] ^= 1  // inside the first header's name: bad checksum
        let cases: [(String, [UInt8], String, String)] = [
            ("garbage", Array(String(repeating: "garbage!", count: 400).utf8), "invalid_archive", "bad checksum"),
            ("checksum", flipped, "invalid_archive", "bad checksum"),
            ("truncated", Array(good.prefix(3000)), "invalid_archive", "truncated"),
            ("no-end", Array(good.dropLast(1024)), "invalid_archive", "without the two zero end-of-archive blocks"),
            ("empty-archive", TarWriter.endOfArchive, "invalid_archive", "holds no file"),
            ("no-config", [UInt8](TarFixture.archive(Array(HFFixture.llamaFiles().dropFirst()))), "invalid_hf_checkpoint", "config.json: is missing"),
            ("bad-index", [UInt8](TarFixture.archive(HFFixture.shardedFiles(weightMap: ["model.layers.0.mlp.down_proj.weight": "model-00001-of-00002.safetensors"]))),
             "invalid_hf_checkpoint", "which does not hold it"),
        ]
        try await env.application().test(.router) { client in
            for (label, body, code, message) in cases {
                let response = try await upload(client, label, Data(body))
                #expect(response.status == .badRequest, "\(label)")
                #expect(response.body.errorCode == code, "\(label)")
                #expect(response.body.errorMessage.contains(message), "\(label): \(response.body.errorMessage)")
            }
            let empty = try await upload(client, "empty", Data())
            #expect(empty.status == .badRequest)
        }
        try expectNothingLeft()
    }

    @Test func nameTakenByAnotherCheckpointIsAConflictAndLeavesNothing() async throws {
        try await env.application().test(.router) { client in
            _ = try await client.execute(
                uri: "/api/v1/checkpoints?name=taken", method: .put, headers: env.adminHeaders, body: ByteBuffer(string: "a file"))
            let response = try await upload(client, "taken", TarFixture.archive(HFFixture.llamaFiles()))
            #expect(response.status == .conflict)
        }
        #expect(env.checkpointFiles().count == 1)
        #expect(env.temporaryTree().isEmpty)
    }
}

extension ByteBuffer {
    /// The `error.message` of an API error body, or "".
    var errorMessage: String {
        struct Body: Decodable {
            struct Detail: Decodable { let message: String }
            let error: Detail
        }
        return (try? json(Body.self).error.message) ?? ""
    }
}

/// Lower-case hex SHA-256, for expected values.
enum SHA256Hex {
    static func of(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
