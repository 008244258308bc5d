import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore
import Assets

@Suite("Health, metrics and sizes")
struct MetaRoutesTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    @Test func healthReportsSchemaVersion() async throws {
        let migrations = try AppDatabase.migrationFiles(in: Assets.migrationsDirectory).count
        try await env.application().test(.router) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            struct Health: Decodable { let status: String; let schema_version: Int }
            let health = try response.body.json(Health.self)
            #expect(health.status == "ok")
            #expect(health.schema_version == migrations)
            #expect(migrations >= 1)
        }
    }

    @Test func metricsCountRequestsAndUploadBytes() async throws {
        try await env.application().test(.router) { client in
            _ = try await client.execute(
                uri: "/api/v1/checkpoints?name=m", method: .put, headers: env.adminHeaders,
                body: ByteBuffer(string: "12345"))
            _ = try await client.execute(uri: "/healthz", method: .get)
            let response = try await client.execute(uri: "/metrics", method: .get)
            let text = String(buffer: response.body)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(text.contains(#"aepo_http_requests_total{method="GET",route="/healthz",status="200"} 1"#))
            #expect(text.contains(#"aepo_upload_bytes_total{result="created"} 5"#))
            #expect(text.contains("aepo_http_request_duration_seconds_bucket"))
        }
    }

    @Test func databaseIsWAL() throws {
        let mode = try env.services.database.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        #expect(FileManager.default.fileExists(atPath: env.directory.appendingPathComponent("aepo.sqlite").path))
    }

    @Test func everyMigrationFileIsBundled() throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("migrations")
        let onDisk = try AppDatabase.migrationFiles(in: source).map(\.lastPathComponent)
        let bundled = try AppDatabase.migrationFiles(in: Assets.migrationsDirectory).map(\.lastPathComponent)
        #expect(onDisk == bundled)
    }

    @Test(arguments: [("1048576", Int64(1_048_576)), ("64GiB", 64 << 30), ("500MB", 500_000_000), ("2K", 2048)])
    func byteSizesParse(text: String, bytes: Int64) {
        #expect(ByteSize.parse(text) == bytes)
    }

    @Test func badByteSizesDoNotParse() {
        #expect(ByteSize.parse("lots") == nil)
        #expect(ByteSize.parse("-5") == nil)
    }
}
