import Foundation

/// Runs one child process (the sandbox) with its combined stdout and stderr
/// captured, a wall timeout and cancellation: on either, the child's
/// process group is killed with SIGKILL (Foundation starts a child as the
/// leader of its own process group).
enum SandboxProcess {
    /// How the child ended.
    struct Outcome: Sendable {
        /// Captured output (see `OutputCapture`).
        var output: String
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let exit = ExitWaiter()
        process.terminationHandler = { child in
            let status = child.terminationStatus
            exit.signal(child.terminationReason == .uncaughtSignal ? 128 + status : status)
        }
        let start = ContinuousClock.now
        do {
            try process.run()
        } catch {
            throw .launchFailed("\(executable): \(error)")
        }
        try? pipe.fileHandleForWriting.close()
        let capture = OutputCapture(handle: pipe.fileHandleForReading, limit: outputLimit)
        let pid = process.processIdentifier
        // SIGKILL to bwrap's group; --die-with-parent then kills the
        // sandbox's PID 1, which takes the whole PID namespace with it.
        let killGroup: @Sendable () -> Void = {
            guard !exit.hasExited else { return }
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
        let timedOut = await withTaskCancellationHandler {
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    _ = await exit.wait()
                    return false
                }
                group.addTask { await watchdog(exit: exit, timeout: timeout, kill: killGroup) }
                let expired = await group.next() ?? false
                if expired { killGroup() }
                group.cancelAll()
                return expired
            }
        } onCancel: {
            killGroup()
        }
        let status = await exit.wait()
        let duration = ContinuousClock.now - start
        await capture.waitForEnd(within: .seconds(2))
        withExtendedLifetime(process) {}
        if Task.isCancelled { throw .cancelled }
        let (output, truncated) = capture.text()
        return Outcome(
            output: output, truncated: truncated, status: status, timedOut: timedOut, duration: duration)
    }
}

/// Waits for the wall timeout, polling every 50 ms, without letting
/// cancellation end the wait: a cancelled caller has already asked for the
/// kill (`onCancel`), and this loop repeats that kill each second while the
/// child lives (a SIGKILL racing the child's start can miss its sandbox),
/// so neither path depends on a single signal landing.
/// - Returns: true when the timeout expired with the child still running.
private func watchdog(exit: ExitWaiter, timeout: Duration, kill: @Sendable () -> Void) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    var lastKill: ContinuousClock.Instant?
    while clock.now < deadline {
        if exit.hasExited { return false }
        if Task.isCancelled, lastKill.map({ clock.now - $0 >= .seconds(1) }) ?? true {
            kill()
            lastKill = clock.now
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { continuation.resume() }
        }
    }
    return !exit.hasExited
}

/// The exit status of a child, awaited by any number of tasks.
final class ExitWaiter: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int32?
    private var waiters: [CheckedContinuation<Int32, Never>] = []

    /// Whether the child has exited.
    var hasExited: Bool { lock.withLock { status != nil } }

    /// Records the status and wakes the waiters.
    func signal(_ value: Int32) {
        let woken: [CheckedContinuation<Int32, Never>] = lock.withLock {
            status = value
            defer { waiters = [] }
            return waiters
        }
        for waiter in woken { waiter.resume(returning: value) }
    }

    /// The exit status, once the child has exited.
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let status {
                lock.unlock()
                continuation.resume(returning: status)
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
    }
}
