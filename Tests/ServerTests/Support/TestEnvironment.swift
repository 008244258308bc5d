import Foundation
import Hummingbird
import HummingbirdTesting
import Logging

@testable import Server
@testable import ServerCore

/// A throwaway data directory and the services of an app built on it.
struct TestEnvironment {
    let directory: URL
    let services: AppServices

    /// The admin token of this environment.
    let adminToken = "test-admin-token"

    /// The stand-in trainer and verl scripts of Tests/ServerTests/Fixtures.
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(name)").path
    }

    /// - Parameters:
    ///   - maxUploadBytes: the upload limit.
    ///   - loadBuiltinModel: the model served for built-in checkpoints (default: the built-in engine).
    ///   - hfTensorCheck: what decides `runnable_by` of `hf` uploads (default: the test double that runs Llama).
    ///   - environment: variables added to the environment the server reads keys from.
    ///   - gpus: the GPU pool engine replicas are given (`--gpus`).
    ///   - logger: where the services log (default: swift-log's bootstrap handler).
    init(
        maxUploadBytes: Int64 = 64 << 30, loadBuiltinModel: BuiltinModelLoader? = nil,
        hfTensorCheck: any HFTensorCheck = LlamaOnlyTensorCheck(), environment: [String: String] = [:],
        gpus: [String] = [], logger: Logger = Logger(label: "test"), configure: (inout ServerConfig) -> Void = { _ in }
    ) async throws {
        directory = try TemporaryDirectory.make()
        var config = ServerConfig()
        config.trainerCommand = ["/usr/bin/env", "python3", Self.fixture("stand_in_trainer.py")]
        config.cancelGrace = .seconds(1)
        // Training jobs start under the built `aepo supervise`, beside the tests.
        config.supervisorCommand = [LiveServer.binary.path, "supervise"]
        config.dataDirectory = directory
        config.maxUploadBytes = maxUploadBytes
        config.hfTensorCheck = hfTensorCheck
        config.adminToken = adminToken
        config.engineGPUs = gpus
        config.engineStopGrace = .seconds(2)
        config.environment.merge(environment) { _, added in added }
        configure(&config)
        services = try await prepareServices(config, logger: logger, loadBuiltinModel: loadBuiltinModel)
    }

    /// An application on the router, for `app.test(.router)`.
    func application() -> some ApplicationProtocol {
        Application(router: buildRouter(services))
    }

    /// Mints a token with `role` directly in the database.
    func token(role: Role) throws -> String {
        let token = Tokens.generate()
        try services.database.writer.write { db in try Tokens.insert(token, name: "test-\(role)", role: role, in: db) }
        return token
    }

    func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    var adminHeaders: HTTPFields { bearer(adminToken) }

    /// Names of the files currently under `<data-dir>/tmp`.
    func temporaryFiles() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: services.config.temporaryDirectory.path)) ?? []
    }

    /// Every path under `<data-dir>/tmp`, recursively.
    func temporaryTree() -> [String] {
        FileManager.default.enumerator(atPath: services.config.temporaryDirectory.path)?.allObjects as? [String] ?? []
    }

    /// Names of the files currently under `<data-dir>/checkpoints`.
    func checkpointFiles() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: services.config.checkpointsDirectory.path)) ?? []
    }

    func checkpointRowCount() throws -> Int {
        try services.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM checkpoint") ?? 0 }
    }
}

enum TemporaryDirectory {
    /// Every test directory of this process lives under one root, removed
    /// when the test process exits: live tests write checkpoints of hundreds
    /// of MiB, and a run must not leave them behind.
    static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aepo-tests-\(getpid())", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { TemporaryDirectory.removeRoot() }
        return url
    }()

    private static func removeRoot() {
        try? FileManager.default.removeItem(at: root)
    }

    /// A fresh directory under this process's root, or under `parent`.
    static func make(in parent: URL? = nil, prefix: String = "aepo-test-") throws -> URL {
        let url = (parent ?? root)
            .appendingPathComponent("\(prefix)\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension ByteBuffer {
    /// The buffer's bytes decoded as JSON.
    func json<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(buffer: self))
    }

    /// The `error.code` of an API error body, if this is one.
    var errorCode: String? {
        struct Body: Decodable {
            struct Detail: Decodable { let code: String; let message: String }
            let error: Detail
        }
        return try? json(Body.self).error.code
    }
}
