import CProcess
import Foundation
import Synchronization

/// A job's process group that outlives the server: started under
/// `aepo supervise` (``JobSupervisor``) as the leader of its own session,
/// with no pipe to the server (its output goes to files) and exactly the
/// environment it is given; after a restart the server finds it again by
/// its ``ProcessIdentity`` and learns how it ended from its ``ExitRecord``.
///
/// Signals go to the whole group, and only while the leader is known to be
/// the process that was started: before the server's own child is reaped
/// its pid cannot be reused; an attached process is watched through a
/// pidfd opened after its identity was checked, and no signal is sent once
/// the pidfd says it exited.
public final class DetachedProcess: Sendable {
    /// What to start.
    public struct Configuration: Sendable {
        /// The supervisor's argv prefix, e.g. `["/usr/bin/aepo", "supervise"]`.
        public var supervisor: [String]
        /// The command: program and arguments, never a shell string.
        public var command: [String]
        /// The job's whole environment.
        public var environment: [String: String]
        public var workingDirectory: String
        /// Files the output is appended to (created 0600 when missing).
        public var standardOutput: String
        public var standardError: String
        /// Where the supervisor writes the ``ExitRecord``.
        public var exitRecord: String
        /// Where the supervisor writes its own ``ProcessIdentity`` as it starts.
        public var identityRecord: String?

        public init(
            supervisor: [String], command: [String], environment: [String: String], workingDirectory: String,
            standardOutput: String, standardError: String, exitRecord: String, identityRecord: String? = nil
        ) {
            self.supervisor = supervisor
            self.command = command
            self.environment = environment
            self.workingDirectory = workingDirectory
            self.standardOutput = standardOutput
            self.standardError = standardError
            self.exitRecord = exitRecord
            self.identityRecord = identityRecord
        }
    }

    private struct State {
        var exited = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// The supervisor's pid: also the group and session id.
    public let pid: Int32
    public let identity: ProcessIdentity
    public let exitRecord: String
    private let state = Mutex(State())
    /// Serializes signals with the moment the process is known to be gone.
    private let signalLock = Mutex(())

    private init(identity: ProcessIdentity, exitRecord: String) {
        self.pid = identity.pid
        self.identity = identity
        self.exitRecord = exitRecord
    }

    /// Starts the supervisor and, under it, the command.
    /// - Throws: ``ChildProcessError/spawnFailed(executable:reason:)``.
    public static func launch(_ configuration: Configuration) throws(ChildProcessError) -> DetachedProcess {
        guard let supervisor = configuration.supervisor.first else {
            throw .spawnFailed(executable: "supervisor", reason: "no supervisor command")
        }
        unlink(configuration.exitRecord)
        if let identityRecord = configuration.identityRecord { unlink(identityRecord) }
        let out = open(configuration.standardOutput, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        let err = open(configuration.standardError, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        defer {
            if out >= 0 { close(out) }
            if err >= 0 { close(err) }
        }
        guard out >= 0, err >= 0 else {
            throw .spawnFailed(executable: supervisor, reason: "cannot open the job's log files: \(String(cString: strerror(errno)))")
        }
        let records = ["--exit-record", configuration.exitRecord]
            + (configuration.identityRecord.map { ["--identity-record", $0] } ?? [])
        let arguments = configuration.supervisor + records + ["--"] + configuration.command
        let environment = configuration.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var spawned: pid_t = 0
        let result = JobSupervisor.withCStrings(arguments) { argv in
            JobSupervisor.withCStrings(environment) { envp in
                aepo_spawn_in(
                    supervisor, argv, envp, configuration.workingDirectory, -1, out, err, Int32(AEPO_SPAWN_NEW_SESSION),
                    &spawned)
            }
        }
        guard result == 0 else { throw .spawnFailed(executable: supervisor, reason: String(cString: strerror(result))) }
        // Our own child: its pid stays ours until we reap it, so its
        // identity read now is exact.
        let child = spawned
        let identity = ProcessIdentity.current(of: child) ?? ProcessIdentity(pid: child, startTime: 0, bootID: "")
        let process = DetachedProcess(identity: identity, exitRecord: configuration.exitRecord)
        let thread = Thread {
            _ = aepo_wait_exit(child)
            process.markExited {
                var signalled: Int32 = 0
                var code: Int32 = 0
                _ = aepo_reap(child, &signalled, &code)
            }
        }
        thread.name = "aepo.job-\(child)"
        thread.start()
        return process
    }

    /// The identity a supervisor wrote as it started (``Configuration/identityRecord``).
    public static func readIdentity(at path: String) -> ProcessIdentity? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(ProcessIdentity.self, from: data)
    }

    /// Finds the process a previous server started, or nil when it is gone
    /// (or its pid now names another process, or it no longer leads its group).
    public static func attach(_ identity: ProcessIdentity, exitRecord: String) -> DetachedProcess? {
        guard identity.isAlive, ProcessIdentity.processGroup(of: identity.pid) == identity.pid else { return nil }
        let pidfd = aepo_pidfd_open(identity.pid)
        // Checked again once the pidfd pins the process: between the check
        // above and the open, the pid could have been freed and reused.
        guard identity.isAlive else {
            if pidfd >= 0 { close(pidfd) }
            return nil
        }
        let process = DetachedProcess(identity: identity, exitRecord: exitRecord)
        let thread = Thread {
            if pidfd >= 0 {
                var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
                while poll(&entry, 1, -1) < 0, errno == EINTR {}
                close(pidfd)
            } else {
                while identity.isAlive { usleep(250_000) }
            }
            process.markExited {}
        }
        thread.name = "aepo.job-\(identity.pid)"
        thread.start()
        return process
    }

    /// Whether the supervisor is gone.
    public var hasExited: Bool { state.withLock { $0.exited } }

    /// Sends `signal` to the whole group.
    /// - Returns: false when the process is gone (nothing is sent).
    @discardableResult
    public func signalGroup(_ signal: Int32) -> Bool {
        signalLock.withLock { _ in
            guard !state.withLock({ $0.exited }) else { return false }
            return kill(-pid, signal) == 0
        }
    }

    /// Waits until the supervisor is gone.
    /// - Returns: the command's exit record, or nil when it left none (the
    ///   group was killed, or the supervisor died before writing it).
    public func wait() async -> ExitRecord? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.exited { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        return ExitRecord.read(at: exitRecord)
    }

    /// SIGTERM to the group, then SIGKILL once `grace` passed, and waits.
    @discardableResult
    public func terminate(grace: Duration) async -> ExitRecord? {
        signalGroup(SIGTERM)
        // On a dispatch timer, not a task: the kill goes out on time even
        // while Swift's cooperative pool is busy.
        let killer = DispatchWorkItem { [self] in signalGroup(SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(grace / .milliseconds(1))), execute: killer)
        let record = await wait()
        killer.cancel()
        return record
    }

    /// Marks the process gone under the signal lock (so no signal follows),
    /// running `reap` there, then wakes the waiters.
    private func markExited(_ reap: () -> Void) {
        let waiters = signalLock.withLock { _ in
            reap()
            return state.withLock { state in
                state.exited = true
                defer { state.waiters = [] }
                return state.waiters
            }
        }
        for waiter in waiters { waiter.resume() }
    }
}
