import Foundation

/// Runs one child process (the sandbox) with its stdout and stderr
/// captured apart, a wall timeout and cancellation: on either, the child's
/// process group is killed with SIGKILL (see ``ChildProcess``).
enum SandboxProcess {
    /// How the child ended.
    struct Outcome: Sendable {
        /// Captured standard output (see ``OutputMode/capture(limit:)``).
        var output: String
        /// Captured standard error.
        var errorOutput: String
        /// Whether output was dropped.
        var truncated: Bool
        /// The exit status, or 128 + the signal that killed the child.
        var status: Int32
        /// Whether the wall timeout killed the child.
        var timedOut: Bool
        /// How long the child ran.
        var duration: Duration
    }

    /// Runs `executable` and waits for it.
    /// - Parameters:
    ///   - executable: the program's path.
    ///   - arguments: its arguments.
    ///   - environment: its whole environment.
    ///   - outputLimit: the most output bytes kept.
    ///   - timeout: the wall timeout.
    /// - Throws: `.launchFailed` when it cannot be spawned, `.cancelled`
    ///   when the calling task is cancelled (the child is killed first).
    static func run(
        executable: String, arguments: [String], environment: [String: String],
        outputLimit: Int, timeout: Duration
    ) async throws(PythonToolError) -> Outcome {
        if Task.isCancelled { throw .cancelled }
        let start = ContinuousClock.now
        let child: ChildProcess
        do {
            child = try ChildProcess(ChildProcess.Configuration(
                executable: executable, arguments: arguments, environment: environment,
                standardOutput: .capture(limit: outputLimit), standardError: .capture(limit: outputLimit)))
        } catch {
            throw .launchFailed("\(executable): \(error)")
        }
        // SIGKILL to bwrap's group; --die-with-parent then kills the
        // sandbox's PID 1, which takes the whole PID namespace with it.
        let timedOut = await withTaskCancellationHandler {
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    _ = await child.wait()
                    return false
                }
                group.addTask {
                    do { try await Task.sleep(for: timeout) } catch { return false }
                    return true
                }
                let expired = await group.next() ?? false
                if expired { child.signal(SIGKILL) }
                group.cancelAll()
                return expired
            }
        } onCancel: {
            child.signal(SIGKILL)
        }
        let termination = await child.wait()
        let duration = ContinuousClock.now - start
        if Task.isCancelled { throw .cancelled }
        let (output, truncated) = child.standardOutput.captured()
        let (errorOutput, errorTruncated) = child.standardError.captured()
        return Outcome(
            output: output, errorOutput: errorOutput, truncated: truncated || errorTruncated,
            status: termination.shellStatus, timedOut: timedOut, duration: duration)
    }
}
