import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
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
    @Option(help: "How long SIGTERM waits for requests in flight before cutting them, e.g. 30s, 2m.")
    var drainTimeout = "30s"
    @Option(help: "Close a connection silent for this long outside a response (headers included), e.g. 30s.")
    var idleTimeout = "30s"
    @Option(help: "Training jobs running at once; more wait as pending (default: $AEPO_MAX_RUNNING_JOBS, else no bound).")
    var maxRunningJobs: Int?
    @Option(help: """
        GPUs training jobs and engine replicas use: a count (4) or device ids (0,1,3) \
        (default: $AEPO_GPUS, else none: profiles needing GPUs are refused).
        """)
    var gpus: String?
    @Option(help: "Log kept per training job, in the database and on disk, e.g. 16MiB.") var jobLogLimit = "16MiB"
    @Option(help: "Between SIGTERM and SIGKILL when a training job is cancelled, e.g. 10s.") var cancelGrace = "10s"
    @Option(help: """
        Ray dashboard for job templates with "launcher": "ray" that name no ray.address, e.g. http://head:8265 \
        (default: $AEPO_RAY_ADDRESS).
        """)
    var rayAddress: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let maxUploadBytes = ByteSize.parse(maxUpload) else {
            throw ValidationError("--max-upload must be a size such as 64GiB, 500MB or 1048576")
        }
        guard let drain = DurationText.parse(drainTimeout) else {
            throw ValidationError("--drain-timeout must be a duration such as 30s, 2m or 500ms")
        }
        guard let idle = DurationText.parse(idleTimeout), idle > .zero else {
            throw ValidationError("--idle-timeout must be a positive duration such as 30s or 2m")
        }
        guard let jobLogLimit = ByteSize.parse(jobLogLimit), jobLogLimit >= 64 << 10 else {
            throw ValidationError("--job-log-limit must be a size of at least 64KiB, such as 16MiB")
        }
        guard let grace = DurationText.parse(cancelGrace) else {
            throw ValidationError("--cancel-grace must be a duration such as 10s or 500ms")
        }
        let maxRunning = try maxRunningJobs ?? environment["AEPO_MAX_RUNNING_JOBS"].map { text in
            guard let value = Int(text) else { throw ValidationError("AEPO_MAX_RUNNING_JOBS must be a number") }
            return value
        }
        if let maxRunning, maxRunning < 1 { throw ValidationError("--max-running-jobs must be 1 or more") }
        var config = ServerConfig()
        if let address = rayAddress ?? environment["AEPO_RAY_ADDRESS"], !address.isEmpty {
            do { _ = try RayJobsClient(address: address) } catch {
                throw ValidationError("--ray-address must be the http(s) URL of a Ray dashboard, e.g. http://head:8265")
            }
            config.rayAddress = address
        }
        config.maxRunningJobs = maxRunning
        config.gpus = try (gpus ?? environment["AEPO_GPUS"]).map(GPUList.parse)
        config.engineGPUs = config.gpus?.map(String.init) ?? []
        config.jobLogLimit = jobLogLimit
        config.cancelGrace = grace
        config.environment = environment
        config.idleTimeout = idle
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
        // SIGTERM stops accepting, lets requests in flight finish, and cuts
        // what is still open (an event stream, a stalled upload) after `drain`.
        var group = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = drain
        try await ServiceGroup(configuration: group).run()
    }
}

extension ServeCommand {
    /// `--gpus 0,1,2,3` as ids; each a plain token, none twice.
}

/// Parses durations: `30s`, `2m`, `500ms`, or plain seconds.
enum DurationText {
    static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)] where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count)), number >= 0, number <= 86_400 * 7 else { return nil }
            return .milliseconds(Int64((number * scale * 1000).rounded()))
        }
        guard let seconds = Double(trimmed), seconds >= 0, seconds <= 86_400 * 7 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
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

/// Parses `--gpus`: a count (`4`: devices 0-3) or device ids (`0,1,3`).
enum GPUList {
    static func parse(_ text: String) throws -> [Int] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.contains(","), let count = Int(trimmed) {
            guard (0...1024).contains(count) else { throw ValidationError("--gpus: a count from 0 to 1024") }
            return Array(0..<count)
        }
        let ids = trimmed.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !ids.isEmpty, ids.allSatisfy({ ($0 ?? -1) >= 0 }), Set(ids).count == ids.count else {
            throw ValidationError("--gpus must be a count (4) or distinct device ids (0,1,3)")
        }
        return ids.compactMap { $0 }
    }
}
