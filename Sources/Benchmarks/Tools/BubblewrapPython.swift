import Foundation

/// The python tool in a bubblewrap sandbox: `python3 -I -u` running the
/// code through ``PythonDriver`` under `bwrap` with every namespace
/// unshared (no network), only the system directories and the configured
/// venv mounted, read-only (minus `Configuration.hiddenPaths`), a private size-limited
/// tmpfs on `/tmp` (the working directory), a cleared environment, no
/// capabilities, a new session, death with the parent, CPU and
/// address-space rlimits (`ulimit -t` / `-v`), a wall timeout that kills
/// the process group, and output capped.
///
/// Before the first program it probes the sandbox once; when `bwrap` is
/// missing or the probe fails it refuses (`PythonToolError.unavailable`)
/// and never runs code unsandboxed. A failed probe is retried at most once
/// a minute.
public actor BubblewrapPython: PythonRunner {
    /// The sandbox's paths and limits.
    public let configuration: Configuration
    private var probed = false
    private var lastFailure: (error: PythonToolError, at: ContinuousClock.Instant)?

    /// Creates a runner; nothing runs until the first call.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Runs one program in the sandbox.
    /// - Parameter code: the program.
    /// - Returns: its output and how it ended.
    /// - Throws: `.unavailable` when no sandbox can be made, `.codeTooLarge`,
    ///   `.launchFailed`, or `.cancelled` (the program is killed).
    public func run(_ code: String) async throws(PythonToolError) -> PythonResult {
        try await run(code, timeout: configuration.wallTimeout)
    }

    /// Runs one program in the sandbox with its own wall timeout.
    /// - Parameters:
    ///   - code: the program.
    ///   - timeout: the wall timeout of this call.
    public func run(_ code: String, timeout: Duration) async throws(PythonToolError) -> PythonResult {
        let size = code.utf8.count
        guard size <= configuration.maxCodeBytes else {
            throw .codeTooLarge(bytes: size, limit: configuration.maxCodeBytes)
        }
        try await checkAvailability()
        let outcome = try await SandboxProcess.run(
            executable: configuration.bwrap, arguments: configuration.arguments(code: code),
            environment: [:], outputLimit: configuration.outputByteLimit, timeout: timeout)
        return PythonResult(
            output: outcome.output, errorOutput: outcome.errorOutput, exitStatus: outcome.timedOut ? nil : outcome.status,
            timedOut: outcome.timedOut, truncated: outcome.truncated, duration: outcome.duration,
            timeout: timeout)
    }

    /// Probes the sandbox (once; a failure is re-probed after a minute).
    /// - Throws: `.unavailable` saying why no sandbox can be made.
    public func checkAvailability() async throws(PythonToolError) {
        if probed { return }
        if let failure = lastFailure, ContinuousClock.now - failure.at < .seconds(60) {
            throw failure.error
        }
        do throws(PythonToolError) {
            try await probe()
            probed = true
            lastFailure = nil
        } catch {
            if error != .cancelled { lastFailure = (error, ContinuousClock.now) }
            throw error
        }
    }

    /// Runs a known program in the sandbox and checks its output.
    private func probe() async throws(PythonToolError) {
        let bwrap = configuration.bwrap
        guard FileManager.default.isExecutableFile(atPath: bwrap) else {
            throw .unavailable("bubblewrap (bwrap) not found at \(bwrap); install the bubblewrap package")
        }
        let marker = "aepo-sandbox-ok"
        let outcome: SandboxProcess.Outcome
        do throws(PythonToolError) {
            outcome = try await SandboxProcess.run(
                executable: bwrap, arguments: configuration.arguments(code: "print('\(marker)')"),
                environment: [:], outputLimit: 4096, timeout: .seconds(30))
        } catch {
            if error == .cancelled { throw error }
            throw .unavailable("cannot start \(bwrap): \(error)")
        }
        guard outcome.status == 0, !outcome.timedOut, outcome.output.contains(marker) else {
            let detail = (outcome.output + outcome.errorOutput).trailingWhitespaceRemoved.clipped(to: 300)
            let ending = outcome.timedOut ? "timed out" : "exit status \(outcome.status)"
            throw .unavailable("the sandbox probe failed (\(ending)): \(detail)")
        }
    }
}

/// A sandbox with an evaluation's own wall timeout per python call.
public struct TimedPython: PythonRunner {
    /// The sandbox (shared: it probes once).
    public let runner: BubblewrapPython
    /// Wall-clock seconds per call.
    public let timeoutSeconds: Double

    /// Creates the runner.
    public init(runner: BubblewrapPython, timeoutSeconds: Double) {
        self.runner = runner
        self.timeoutSeconds = timeoutSeconds
    }

    public func run(_ code: String) async throws -> PythonResult {
        try await runner.run(code, timeout: .milliseconds(Int64((timeoutSeconds * 1000).rounded())))
    }
}
