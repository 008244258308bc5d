import Foundation

/// A long-lived Python process running Hugging Face `math-verify`
/// (`Scripts/math_verify_worker.py`), for the answers the Swift rules leave
/// undecided.
///
/// Requests are served one at a time in arrival order. Each has a timeout:
/// when it passes, the process is killed, the item answers `.undecided`, and
/// a fresh process is started for the next request. A process that dies
/// mid-item is restarted once and the item retried. The worker ignores
/// `SIGPIPE` process-wide (as SwiftNIO servers do) so that writing to a dead
/// worker is an error, not a signal.
public actor MathVerifyWorker {
    /// How to run the worker.
    public struct Configuration: Sendable {
        /// The Python executable, e.g. `<repo>/.venv/bin/python`.
        public var python: URL
        /// The worker script; `nil` uses the one shipped in the bundle.
        public var script: URL?
        /// Per-item timeout (default 5 s).
        public var timeout: Duration
        /// Time allowed for Python to start and import math-verify (default 60 s).
        public var startupTimeout: Duration
        /// Variables added to (or replacing) the inherited environment.
        public var environment: [String: String]

        /// Creates a configuration; see the properties for the defaults.
        public init(
            python: URL, script: URL? = nil, timeout: Duration = .seconds(5),
            startupTimeout: Duration = .seconds(60), environment: [String: String] = [:]
        ) {
            self.python = python
            self.script = script
            self.timeout = timeout
            self.startupTimeout = startupTimeout
            self.environment = environment
        }
    }

    /// The configuration the worker runs with.
    public let configuration: Configuration
    /// The math-verify version reported by the running process.
    public private(set) var version: String?
    /// How many times a process was killed after a timeout or a crash.
    public private(set) var restarts = 0

    var child: WorkerProcess?
    private var nextID = 0
    private var busy = false
    private var queue: [CheckedContinuation<Void, Never>] = []

    /// Creates a worker; the process starts on `start()` or the first request.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    deinit {
        child?.kill()
    }

    /// Starts the process if it is not running and waits for its handshake.
    /// - Throws: `MathVerifyError` when Python or math-verify is unusable.
    public func start() async throws(MathVerifyError) {
        await acquire()
        defer { release() }
        try await ensureRunning()
    }

    /// Asks math-verify whether `prediction` equals `gold`.
    /// - Parameters:
    ///   - gold: the gold answer (LaTeX or plain text).
    ///   - prediction: the extracted prediction.
    /// - Returns: `.equal` or `.notEqual` as math-verify says; `.undecided`
    ///   when the item timed out or math-verify raised an error on it.
    /// - Throws: `MathVerifyError` when the process cannot be started, or
    ///   crashes twice on the item.
    public func verify(gold: String, prediction: String) async throws(MathVerifyError) -> MathVerdict {
        await acquire()
        defer { release() }
        for attempt in 1...2 {
            try await ensureRunning()
            guard let running = child else { continue }
            nextID += 1
            let request = Request(id: nextID, gold: gold, prediction: prediction)
            switch await exchange(request, with: running) {
            case .answer(let verdict):
                return verdict
            case .timedOut:
                stopChild()
                return .undecided
            case .died(let stderr):
                stopChild()
                if attempt == 2 { throw .crashed(stderr: stderr) }
            }
        }
        return .undecided
    }

    /// Stops the process; a later request starts a new one.
    public func shutdown() {
        child?.kill()
        child = nil
    }

    private func ensureRunning() async throws(MathVerifyError) {
        if child != nil { return }
        let script = configuration.script
            ?? Bundle.module.url(forResource: "math_verify_worker", withExtension: "py", subdirectory: "Scripts")
        guard let script else { throw .scriptMissing }
        let started = try WorkerProcess.launch(configuration: configuration, script: script)
        do throws(MathVerifyError) {
            version = try await handshake(with: started)
            child = started
        } catch {
            started.kill()
            throw error
        }
    }

    private func stopChild() {
        child?.kill()
        child = nil
        restarts += 1
    }

    /// Waits until no other request is being served (FIFO).
    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { queue.append($0) }
    }

    private func release() {
        if queue.isEmpty {
            busy = false
        } else {
            queue.removeFirst().resume()
        }
    }
}
