import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

@Suite("Checkpoint uploads")
struct CheckpointUploadTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    @Test func uploadStoresContentAddressedFile() async throws {
        let bytes = Data((0..<100_000).map { UInt8($0 % 256) })
        let expectedHash = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        try await env.application().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/checkpoints?name=org/run-step-200", method: .put, headers: env.adminHeaders,
                body: ByteBuffer(bytes: bytes)
            ) { response in
                #expect(response.status == .created)
                let checkpoint = try response.body.json(CheckpointView.self)
                #expect(checkpoint.name == "org/run-step-200")
                #expect(checkpoint.kind == .file)
                #expect(checkpoint.sha256 == expectedHash)
                #expect(checkpoint.bytes == 100_000)
                #expect(checkpoint.format == "opaque")
                #expect(checkpoint.metadata.isEmpty)
            }
        }
        #expect(env.checkpointFiles() == [expectedHash])
        let stored = try Data(contentsOf: env.services.config.checkpointsDirectory.appendingPathComponent(expectedHash))
        #expect(stored == bytes)
        #expect(env.temporaryFiles().isEmpty)
    }

    @Test func identicalBytesAnswerExistingCheckpointAndRecordAlias() async throws {
        let bytes = ByteBuffer(string: "same bytes twice")
        try await env.application().test(.router) { client in
            let first = try await client.execute(
                uri: "/api/v1/checkpoints?name=first", method: .put, headers: env.adminHeaders, body: bytes)
            #expect(first.status == .created)
            let again = try await client.execute(
                uri: "/api/v1/checkpoints?name=second", method: .post, headers: env.adminHeaders, body: bytes)
            #expect(again.status == .ok)
            let checkpoint = try again.body.json(CheckpointView.self)
            #expect(checkpoint.id == (try first.body.json(CheckpointView.self)).id)
            #expect(checkpoint.name == "first")
            #expect(checkpoint.aliases == ["second"])
            let repeated = try await client.execute(
                uri: "/api/v1/checkpoints?name=first", method: .put, headers: env.adminHeaders, body: bytes)
            #expect(repeated.status == .ok)
        }
        #expect(env.checkpointFiles().count == 1)
        #expect(try env.checkpointRowCount() == 1)
    }

    @Test func nameOfOtherCheckpointIsConflict() async throws {
        try await env.application().test(.router) { client in
            _ = try await client.execute(
                uri: "/api/v1/checkpoints?name=taken", method: .put, headers: env.adminHeaders,
                body: ByteBuffer(string: "one"))
            try await client.execute(
                uri: "/api/v1/checkpoints?name=taken", method: .put, headers: env.adminHeaders,
                body: ByteBuffer(string: "two")
            ) { response in
                #expect(response.status == .conflict)
                #expect(response.body.errorCode == "conflict")
            }
        }
        #expect(try env.checkpointRowCount() == 1)
        #expect(env.checkpointFiles().count == 1)
        #expect(env.temporaryFiles().isEmpty)
    }

    @Test func safetensorsHeaderIsParsedAndMetadataReturned() async throws {
        let file = SafetensorsFixture.valid(metadata: ["format": "pt", "step": "200"])
        try await env.application().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/checkpoints?name=st", method: .put, headers: env.adminHeaders,
                body: ByteBuffer(bytes: file)
            ) { response in
                #expect(response.status == .created)
                let checkpoint = try response.body.json(CheckpointView.self)
                #expect(checkpoint.format == "safetensors")
                #expect(checkpoint.metadata == ["format": "pt", "step": "200"])
                #expect(checkpoint.tensors == 2)
                #expect(checkpoint.parameters == 10)
            }
        }
    }

    @Test func lyingSafetensorsHeaderIsRefusedAndNothingKept() async throws {
        let header: [String: Any] = ["w": ["dtype": "F32", "shape": [4, 4], "data_offsets": [0, 64]]]
        let short = SafetensorsFixture.file(header: header, dataBytes: 32)
        try await env.application().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/checkpoints?name=liar", method: .put, headers: env.adminHeaders,
                body: ByteBuffer(bytes: short)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.errorCode == "invalid_safetensors")
                #expect(String(buffer: response.body).contains("64"))
            }
        }
        #expect(try env.checkpointRowCount() == 0)
        #expect(env.checkpointFiles().isEmpty)
        #expect(env.temporaryFiles().isEmpty)
    }

    @Test func listAndShow() async throws {
        try await env.application().test(.router) { client in
            for index in 0..<3 {
                _ = try await client.execute(
                    uri: "/api/v1/checkpoints?name=c\(index)", method: .put, headers: env.adminHeaders,
                    body: ByteBuffer(string: "bytes \(index)"))
            }
            let page = try await client.execute(uri: "/api/v1/checkpoints?limit=2", method: .get)
            struct Page: Decodable { let checkpoints: [CheckpointView]; let next: String? }
            let first = try page.body.json(Page.self)
            #expect(first.checkpoints.map(\.name) == ["c2", "c1"])
            let cursor = try #require(first.next)
            let rest = try await client.execute(uri: "/api/v1/checkpoints?limit=2&cursor=\(cursor)", method: .get)
            let second = try rest.body.json(Page.self)
            #expect(second.checkpoints.map(\.name) == ["c0"])
            #expect(second.next == nil)
            #expect(String(buffer: rest.body).contains(#""next":null"#))
            let one = try await client.execute(uri: "/api/v1/checkpoints/\(second.checkpoints[0].id)", method: .get)
            #expect(try one.body.json(CheckpointView.self).name == "c0")
        }
    }
}
