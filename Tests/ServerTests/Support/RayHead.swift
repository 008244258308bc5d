import Benchmarks
import Foundation
import Synchronization

@testable import ServerCore

/// A real single-node Ray cluster for the `ray` launcher's tests: `ray
/// start --head --block` from `$AEPO_RAY` (scripts/setup installs
/// `ray[default]` in `.venv-ray`), started once per test process on first
/// use and stopped when the process exits. Every port is chosen free and
/// the temp dir is the process's own, so several test processes (and a
/// developer's own cluster) can run side by side.
enum RayHead {
    /// Under the README's test command a missing Ray fails the suites that need it.
    static let required = ProcessInfo.processInfo.environment["AEPO_REQUIRE_TOOLS"] == "1"

    /// `$AEPO_RAY`, else `.venv-ray/bin/ray` at the package root.
    static let executable: String? = {
        if let path = ProcessInfo.processInfo.environment["AEPO_RAY"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent(".venv-ray/bin/ray").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    /// Whether the suites run: Ray is installed, or it must be.
    static var shouldRun: Bool { executable != nil || required }

    /// The running head's dashboard address.
    static func dashboard() async throws -> String {
        try await Starter.shared.address()
    }

    /// The group of `ray start --block`, for the exit handler.
    fileprivate static let group = Mutex<Int32?>(nil)

    fileprivate static func stopAtExit() {
        guard let pid = group.withLock({ $0 }) else { return }
        // The head's processes share its group; workers have their own but
        // exit with the raylet they are attached to.
        kill(-pid, SIGTERM)
        for _ in 0..<30 where kill(-pid, 0) == 0 { usleep(100_000) }
        kill(-pid, SIGKILL)
    }

    private actor Starter {
        static let shared = Starter()
        private var started: Task<String, any Error>?

        func address() async throws -> String {
            if let started { return try await started.value }
            let task = Task { try await RayHead.start() }
            started = task
            return try await task.value
        }
    }

    /// Starts the head, again with other ports if one was taken meanwhile.
    private static func start() async throws -> String {
        var lastError: any Error = CoreError.misconfigured("ray_failed", "not started")
        for _ in 0..<3 {
            do {
                return try await startOnce()
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private static func startOnce() async throws -> String {
        guard let executable else {
            throw CoreError.misconfigured("ray_missing", "ray is not installed: run scripts/setup (it makes .venv-ray) or set AEPO_RAY")
        }
        let temp = "/tmp/aepo-ray-\(getpid())"
        try? FileManager.default.removeItem(atPath: temp)
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        let dashboardPort = try FreePort.find()
        let workerPorts = try FreePort.find()
        let arguments = [
            "start", "--head", "--block", "--disable-usage-stats", "--num-cpus", "2", "--num-gpus", "0",
            "--temp-dir", temp, "--port", "\(try FreePort.find())",
            "--dashboard-host", "127.0.0.1", "--dashboard-port", "\(dashboardPort)", "--include-dashboard", "true",
            "--ray-client-server-port", "\(try FreePort.find())",
            "--dashboard-agent-listen-port", "\(try FreePort.find())",
            "--min-worker-port", "\(workerPorts)", "--max-worker-port", "\(min(workerPorts + 200, 65_000))",
            "--object-store-memory", "\(100 << 20)",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["RAY_USAGE_STATS_ENABLED"] = "0"
        let child = try ChildProcess(ChildProcess.Configuration(
            executable: executable, arguments: arguments, environment: environment,
            standardOutput: .lines(buffer: 200, whenFull: .dropOldest), mergeStandardError: true))
        group.withLock { $0 = child.pid }
        atexit { RayHead.stopAtExit() }
        let address = "http://127.0.0.1:\(dashboardPort)"
        let client = try RayJobsClient(address: address, timeout: .seconds(5))
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline {
            if child.hasExited {
                var output: [String] = []
                for await line in child.standardOutput { output.append(line) }
                throw CoreError.misconfigured("ray_failed", "ray start exited:\n" + output.suffix(40).joined(separator: "\n"))
            }
            // The jobs module answers once the head is up.
            if (try? await client.list()) != nil { return address }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw CoreError.misconfigured("ray_failed", "the Ray head did not answer within 180 s")
    }
}
