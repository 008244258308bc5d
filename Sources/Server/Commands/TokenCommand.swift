import ArgumentParser
import Foundation
import ServerCore

/// `aepo token create`: mint an API token straight into the database.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print it, alone, on stdout. Only its SHA-256 is stored.")

        @Option(help: "A label for the token, e.g. ci.") var name: String
        @Option(help: "read, write or admin.") var role: String = "write"
        @Option(help: "Data directory (default: $AEPO_DATA_DIR or ./aepo-data).") var dataDir: String?

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("--role must be one of: read, write, admin")
            }
            let label = try Name.validate(name)
            let directory = ServerConfig.dataDirectory(flag: dataDir, environment: ProcessInfo.processInfo.environment)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let database = try AppDatabase.open(directory: directory)
            let token = Tokens.generate()
            try await database.writer.write { db in try Tokens.insert(token, name: label, role: role, in: db) }
            print(token)
        }
    }
}
