import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server
@testable import ServerCore

@Suite("Tokens and authorization")
struct AuthTests {
    let env: TestEnvironment

    init() async throws { env = try await TestEnvironment() }

    @Test func writesNeedATokenReadsArePublic() async throws {
        let readToken = try env.token(role: .read)
        let writeToken = try env.token(role: .write)
        try await env.application().test(.router) { client in
            let anonymous = try await client.execute(
                uri: "/api/v1/checkpoints?name=x", method: .put, body: ByteBuffer(string: "x"))
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            #expect(anonymous.body.errorCode == "unauthorized")

            let unknown = try await client.execute(
                uri: "/api/v1/checkpoints?name=x", method: .put, headers: env.bearer("aepo_nope"),
                body: ByteBuffer(string: "x"))
            #expect(unknown.status == .unauthorized)

            let reader = try await client.execute(
                uri: "/api/v1/checkpoints?name=x", method: .put, headers: env.bearer(readToken),
                body: ByteBuffer(string: "x"))
            #expect(reader.status == .forbidden)
            #expect(reader.body.errorCode == "forbidden")

            let writer = try await client.execute(
                uri: "/api/v1/checkpoints?name=x", method: .put, headers: env.bearer(writeToken),
                body: ByteBuffer(string: "x"))
            #expect(writer.status == .created)

            let list = try await client.execute(uri: "/api/v1/checkpoints", method: .get)
            #expect(list.status == .ok)
        }
        #expect(try env.checkpointRowCount() == 1)
    }

    @Test func onlyHashesAreStored() throws {
        let token = try env.token(role: .write)
        let stored = try env.services.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT token_sha256 FROM api_token")
        }
        #expect(!stored.contains(token))
        #expect(stored.contains(Tokens.hash(token)))
        #expect(stored.allSatisfy { $0.count == 64 })
    }

    @Test func generatedAdminTokenIsWrittenPrivatelyAndKeptAcrossStarts() async throws {
        let directory = try TemporaryDirectory.make()
        let database = try AppDatabase.open(directory: directory)
        let source = try await AdminToken.ensure(environmentToken: nil, dataDirectory: directory, database: database)
        let file = directory.appendingPathComponent("admin-token")
        #expect(source == .file(file))
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let token = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("aepo_"))
        let record = try await database.writer.read { db in try Tokens.find(token, in: db) }
        #expect(record?.role == .admin)

        _ = try await AdminToken.ensure(environmentToken: nil, dataDirectory: directory, database: database)
        let again = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(again == token)
    }

    @Test func environmentAdminTokenIsRegistered() throws {
        let record = try env.services.database.writer.read { db in try Tokens.find(env.adminToken, in: db) }
        #expect(record?.role == .admin)
        #expect(env.services.adminToken == .environment)
    }

    @Test func rolesAreOrdered() {
        #expect(Role.read < Role.write)
        #expect(Role.write < Role.admin)
    }
}

@Suite("Data directory permissions")
struct DataDirectoryPermissionTests {
    private func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) & 0o777
    }

    @Test func theDataDirectoryIsPrivateAndTheDatabaseFilesAreOwnerOnly() async throws {
        let env = try await TestEnvironment()
        let data = env.services.config.dataDirectory.path
        #expect(try mode(data) == 0o700)
        _ = try env.token(role: .read)  // a write, so that -wal and -shm exist
        for name in ["aepo.sqlite", "aepo.sqlite-wal", "aepo.sqlite-shm"] {
            #expect(try mode(data + "/" + name) == 0o600, "\(name)")
        }
    }
}
