import CProcess
import Foundation
import Synchronization

/// A child process (the training job, the python sandbox, the math-verify
/// worker) that the server owns from spawn to reap.
///
/// - It is spawned with `posix_spawn` as the leader of its own process group,
///   with exactly the environment it is given, default signal dispositions
///   and no inherited descriptor but its three standard streams.
/// - ``signal(_:)`` reaches the whole group (a `bash script.sh | tee log`
///   child included) and is refused once the child is reaped: until then
///   its pid, which is also the group id, cannot belong to anyone else.
/// - One monitor thread per child blocks in `poll(2)` on its pipes and a
///   pidfd (or, before Linux 5.3, a pipe written by a waiter thread): no
///   polling loop, no dispatch sources. When the leader exits, what it left
///   in its group is killed, the leader is reaped, and output is read
///   until every pipe is closed, or until ``Configuration/drain`` passes
///   with no byte read and no room made by a reader (a grandchild in
///   another group holding a pipe, a reader that went away).
public final class ChildProcess: Sendable {
    /// What to start.
    public struct Configuration: Sendable {
        public var executable: String
        public var arguments: [String]
        /// The child's whole environment (see ``ChildEnvironment``).
        public var environment: [String: String]
        public var workingDirectory: String?
        /// Whether the child reads a pipe (``write(_:)``) rather than /dev/null.
        public var standardInput: Bool
        public var standardOutput: OutputMode
        /// Ignored when ``mergeStandardError`` is set.
        public var standardError: OutputMode
        /// Sends stderr into the stdout pipe (one interleaved stream).
        public var mergeStandardError: Bool
        /// How long output is still read once the leader has exited.
        public var drain: Duration

        public init(
            executable: String, arguments: [String] = [], environment: [String: String],
            workingDirectory: String? = nil, standardInput: Bool = false,
            standardOutput: OutputMode = .discard, standardError: OutputMode = .discard,
            mergeStandardError: Bool = false, drain: Duration = .seconds(2)
        ) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.workingDirectory = workingDirectory
            self.standardInput = standardInput
            self.standardOutput = standardOutput
            self.standardError = standardError
            self.mergeStandardError = mergeStandardError
            self.drain = drain
        }
    }

    /// How the child ended.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        /// The shell's convention: the status, or 128 + the signal.
        public var shellStatus: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let signal): 128 + signal
            }
        }

        public var description: String {
            switch self {
            case .exited(let code): "exited with status \(code)"
            case .signalled(let signal): "was killed by signal \(signal)"
            }
        }
    }

    private struct State {
        var reaped = false
        var termination: Termination?
        var done = false
        /// nil is resumed only to a waiter whose task was cancelled.
        var waiters: [UUID: CheckedContinuation<Termination?, Never>] = [:]
    }

    /// The child's pid, which is also its process group id.
    public let pid: Int32
    /// Its identity for a later restart (pid, start time, boot).
    public let identity: ProcessIdentity?
    public let standardOutput: ChildOutput
    public let standardError: ChildOutput
    private let state = Mutex(State())
    /// Serializes signals with the reap, so no signal follows it.
    private let signalLock = Mutex(())
    private let stdinFD: Int32
    private let wake: WakePipe

    /// Spawns the child and starts its monitor.
    /// - Throws: ``ChildProcessError`` when it cannot be spawned.
    public init(_ configuration: Configuration) throws(ChildProcessError) {
        let wake = try WakePipe()
        standardOutput = ChildOutput(mode: configuration.standardOutput, wake: { wake.notify() })
        standardError = ChildOutput(
            mode: configuration.mergeStandardError ? .discard : configuration.standardError, wake: { wake.notify() })
        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        func closeAll() {
            for fd in parentEnds + childEnds { close(fd) }
        }
        var input: (read: Int32, write: Int32)?
        var streams: [(fd: Int32, output: ChildOutput)] = []
        var stdoutChild: Int32 = -1
        var stderrChild: Int32 = -1
        do {
            if configuration.standardInput {
                let pipe = try Self.pipe()
                input = pipe
                parentEnds.append(pipe.write)
                childEnds.append(pipe.read)
                // A worker that died must not take the server with it on the next write.
                _ = SwiftGlibc.signal(SIGPIPE, SIG_IGN)
            }
            if configuration.standardOutput != .discard {
                let pipe = try Self.pipe()
                parentEnds.append(pipe.read)
                childEnds.append(pipe.write)
                stdoutChild = pipe.write
                streams.append((pipe.read, standardOutput))
            }
            if configuration.mergeStandardError {
                stderrChild = stdoutChild
            } else if configuration.standardError != .discard {
                let pipe = try Self.pipe()
                parentEnds.append(pipe.read)
                childEnds.append(pipe.write)
                stderrChild = pipe.write
                streams.append((pipe.read, standardError))
            }
        } catch {
            closeAll()
            throw error
        }
        var spawned: pid_t = 0
        let arguments = [configuration.executable] + configuration.arguments
        let environment = configuration.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let result = Self.withCStrings(arguments) { argv in
            Self.withCStrings(environment) { envp in
                aepo_spawn(
                    configuration.executable, argv, envp, configuration.workingDirectory, input?.read ?? -1,
                    stdoutChild, stderrChild, &spawned)
            }
        }
        for fd in childEnds { close(fd) }
        childEnds = []
        guard result == 0 else {
            closeAll()
            throw .spawnFailed(executable: configuration.executable, reason: String(cString: strerror(result)))
        }
        pid = spawned
        identity = ProcessIdentity.current(of: spawned)
        stdinFD = input?.write ?? -1
        self.wake = wake
        let exitFD = Self.exitDescriptor(for: spawned)
        let drain = configuration.drain
        let monitored = streams.map { MonitoredStream(fd: $0.fd, output: $0.output) }
        let monitor = Thread { [self] in
            self.monitor(streams: monitored, exitFD: exitFD, wakeRead: wake.readEnd, drain: drain)
        }
        monitor.name = "aepo.child-\(spawned)"
        monitor.start()
    }

    deinit {
        if stdinFD >= 0 { close(stdinFD) }
    }

    /// Whether the child has been reaped.
    public var hasExited: Bool { state.withLock { $0.termination != nil } }

    /// Sends `signal` to the child's whole process group.
    /// - Returns: false when the child is already reaped (nothing is sent).
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        signalLock.withLock { _ in
            guard !state.withLock({ $0.reaped }) else { return false }
            return kill(-pid, signal) == 0 || kill(pid, signal) == 0
        }
    }

    /// Waits until the child is reaped and its output delivered.
    public func wait() async -> Termination {
        await waiting(cancellable: false) ?? .exited(-1)
    }

    /// Like ``wait()``, but answers nil as soon as the calling task is cancelled.
    public func waitUnlessCancelled() async -> Termination? {
        await waiting(cancellable: true)
    }

    private func waiting(cancellable: Bool) async -> Termination? {
        let id = UUID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Termination?, Never>) in
                let ready = state.withLock { state -> (Bool, Termination?) in
                    if state.done { return (true, state.termination) }
                    if cancellable, Task.isCancelled { return (true, nil) }
                    state.waiters[id] = continuation
                    return (false, nil)
                }
                if ready.0 { continuation.resume(returning: ready.1) }
            }
        } onCancel: {
            guard cancellable else { return }
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: nil)
        }
    }

    /// The termination, or nil if the child is still running after `limit`.
    public func wait(within limit: Duration) async -> Termination? {
        await withTaskGroup(of: Termination?.self) { group in
            group.addTask { await self.waitUnlessCancelled() }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// SIGTERM to the group, then SIGKILL if it still runs after `grace`.
    @discardableResult
    public func terminate(grace: Duration) async -> Termination {
        signal(SIGTERM)
        let killer = Task {
            try await Task.sleep(for: grace)
            signal(SIGKILL)
        }
        let termination = await wait()
        killer.cancel()
        return termination
    }

    /// Writes to the child's stdin pipe.
    /// - Throws: ``ChildProcessError/closed`` when there is no pipe or the child closed it.
    public func write(_ data: Data) throws(ChildProcessError) {
        guard stdinFD >= 0 else { throw .closed }
        var failure: Int32 = 0
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(stdinFD, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure != 0 { throw .closed }
    }

    // MARK: - Monitor

    /// How long a full `.wait` buffer may go unread after the leader exited
    /// before its reader is taken to be gone and the rest is dropped.
    static let abandonedReader: Duration = .seconds(120)

    private func monitor(streams: [MonitoredStream], exitFD: Int32, wakeRead: Int32, drain: Duration) {
        var open = streams
        var exited = false
        // After the leader exits: the last byte read or room made by a reader.
        var lastActivity: ContinuousClock.Instant?
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !(exited && open.isEmpty) {
            let polled = open.filter { $0.output.wantsInput }
            var fds = polled.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            if !exited { fds.append(pollfd(fd: exitFD, events: Int16(POLLIN), revents: 0)) }
            fds.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
            var timeout: Int32 = -1
            if let lastActivity {
                // Waiting on a pipe nobody writes: `drain`. Waiting on a
                // reader to make room: much longer, but not forever.
                let left = lastActivity + (polled.isEmpty ? Self.abandonedReader : drain) - .now
                if left <= .zero { break }
                timeout = Int32(max(1, left / .milliseconds(1)))
            }
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0, errno == EINTR { continue }
            if ready < 0 { break }
            for entry in fds where entry.revents != 0 {
                if entry.fd == wakeRead {
                    while Foundation.read(wakeRead, &buffer, buffer.count) > 0 {}
                    // A reader making room is progress: a slow reader gets
                    // all of a `.wait` stream, an absent one only `drain`.
                    if exited { lastActivity = .now }
                } else if entry.fd == exitFD, !exited {
                    exited = true
                    reap()
                    lastActivity = .now
                } else if let index = open.firstIndex(where: { $0.fd == entry.fd }) {
                    let count = buffer.withUnsafeMutableBytes { Foundation.read(entry.fd, $0.baseAddress, $0.count) }
                    if count > 0 {
                        buffer.withUnsafeBytes { open[index].output.accept(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                        if exited { lastActivity = .now }
                    } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                        close(entry.fd)
                        open[index].output.finish()
                        open.remove(at: index)
                    }
                }
            }
        }
        if !exited { reap() }
        for stream in open {
            close(stream.fd)
            stream.output.finish()
        }
        standardOutput.finish()
        standardError.finish()
        close(exitFD)
        let (waiters, termination) = state.withLock { state in
            state.done = true
            if state.termination == nil { state.termination = .exited(-1) }
            defer { state.waiters = [:] }
            return (Array(state.waiters.values), state.termination)
        }
        for waiter in waiters { waiter.resume(returning: termination) }
    }

    /// Kills what the leader left in its group and reaps the leader, under
    /// the signal lock so that no signal can follow the reap.
    private func reap() {
        signalLock.withLock { _ in
            _ = kill(-pid, SIGKILL)
            var signalled: Int32 = 0
            var code: Int32 = 0
            let result = aepo_reap(pid, &signalled, &code)
            let termination: Termination = result != 0 ? .exited(-1) : signalled != 0 ? .signalled(code) : .exited(code)
            state.withLock { state in
                state.reaped = true
                state.termination = termination
            }
        }
    }

    // MARK: - Helpers

    fileprivate static func pipe() throws(ChildProcessError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        let result = aepo_pipe(&fds)
        guard result == 0 else { throw .spawnFailed(executable: "pipe", reason: String(cString: strerror(result))) }
        return (fds[0], fds[1])
    }

    /// A descriptor readable once `pid` exits: a pidfd, or a pipe that a
    /// waiter thread writes to when `waitid` returns.
    private static func exitDescriptor(for pid: pid_t) -> Int32 {
        let pidfd = aepo_pidfd_open(pid)
        if pidfd >= 0 { return pidfd }
        guard let pipe = try? Self.pipe() else { return -1 }
        let waiter = Thread {
            _ = aepo_wait_exit(pid)
            close(pipe.write)
        }
        waiter.name = "aepo.child-wait-\(pid)"
        waiter.start()
        return pipe.read
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// Why a child could not be started or written to.
public enum ChildProcessError: Error, Equatable, CustomStringConvertible {
    case spawnFailed(executable: String, reason: String)
    case closed

    public var description: String {
        switch self {
        case .spawnFailed(let executable, let reason): "could not start \(executable): \(reason)"
        case .closed: "the child's stdin is closed"
        }
    }
}

/// A pipe the monitor reads and the output it fills.
private struct MonitoredStream: Sendable {
    var fd: Int32
    var output: ChildOutput
}

/// The monitor's doorbell: a non-blocking pipe that a reader rings when a
/// full line buffer has room again. It closes when its last holder (the
/// child or one of its outputs) goes, so a late ring never hits a reused fd.
final class WakePipe: Sendable {
    let readEnd: Int32
    private let writeEnd: Int32

    init() throws(ChildProcessError) {
        let fds = try ChildProcess.pipe()
        readEnd = fds.read
        writeEnd = fds.write
        _ = fcntl(readEnd, F_SETFL, O_NONBLOCK)
        _ = fcntl(writeEnd, F_SETFL, O_NONBLOCK)
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    func notify() {
        var byte: UInt8 = 1
        _ = Foundation.write(writeEnd, &byte, 1)
    }
}
