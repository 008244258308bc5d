import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServerCore

/// `aepo serve`: run the HTTP server until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the evaluation server and leaderboard.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "Data directory (default: $AEPO_DATA_DIR or ./aepo-data).") var dataDir: String?
    @Option(help: "Largest accepted upload, e.g. 64GiB, 500MB, 1048576.") var maxUpload = "64GiB"
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"
    @Option(help: "Python with math_verify for math scoring (default: $AEPO_PYTHON or ./.venv/bin/python).")
    var python: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let maxUploadBytes = ByteSize.parse(maxUpload) else {
            throw ValidationError("--max-upload must be a size such as 64GiB, 500MB or 1048576")
        }
        var config = ServerConfig()
        config.host = host
        config.port = port
        config.dataDirectory = ServerConfig.dataDirectory(flag: dataDir, environment: environment)
        config.maxUploadBytes = maxUploadBytes
        config.adminToken = environment["AEPO_ADMIN_TOKEN"]
        config.python = ServerConfig.python(flag: python, environment: environment)

        var logger = Logger(label: "aepo")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let dataDirectory = config.dataDirectory
        let host = config.host
        let tokenFromEnvironment = config.adminToken?.isEmpty == false
        let app = try await buildApplication(config, logger: logger, onServerRunning: { boundPort in
            let tokenNote =
                tokenFromEnvironment
                ? "from AEPO_ADMIN_TOKEN" : dataDirectory.appendingPathComponent(AdminToken.fileName).path
            let banner = """
                aepo listening on http://\(host):\(boundPort)
                data directory: \(dataDirectory.path)
                admin token: \(tokenNote)

                """
            // Unbuffered, so scripts reading our stdout see it at once.
            FileHandle.standardOutput.write(Data(banner.utf8))
        })
        try await app.runService()
    }
}

/// Parses human sizes: `1048576`, `500MB`, `64GiB`.
enum ByteSize {
    static func parse(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
            ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
            ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1),
        ]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)),
                number >= 0
            else { return nil }
            return Int64(number * Double(scale))
        }
        return Int64(trimmed).flatMap { $0 >= 0 ? $0 : nil }
    }
}
