import Benchmarks
import Foundation

extension EngineManager {
    /// How a replica's start-up ended.
    enum StartOutcome: Sendable {
        case ready
        case exited(ChildProcess.Termination)
        case timedOut
        case cancelled
    }

    /// Starts replicas until `key` has as many live ones as its profile asks.
    /// A replica that cannot be spawned fails the group (``Group/failure``).
    func fill(_ key: GroupKey) async throws {
        guard let group = groups[key] else { return }
        let missing = group.profile.replicas - liveReplicas(of: group).count - group.pending
        for _ in 0..<max(0, missing) {
            do {
                try await start(key)
            } catch let error as EngineStartError {
                groups[key]?.failure = error
                throw error
            }
        }
    }

    /// Starts one replica of `key` with its profile's launcher.
    private func start(_ key: GroupKey) async throws {
        guard let group = groups[key] else { return }
        switch group.profile.launcher {
        case .local: try await startLocal(key, group: group)
        case .ray: try await startRay(key, group: group)
        }
    }

    /// Spawns one local replica of `key`: a port, its GPUs, a row, the
    /// process group, and the supervisor that waits for its health and its exit.
    private func startLocal(_ key: GroupKey, group: Group) async throws {
        let profile = group.profile
        func failure(_ reason: String) -> EngineStartError { EngineStartError(profile: profile.name, reason: reason, logTail: "") }
        guard let gpus = pool.take(profile.gpusPerReplica) else {
            throw failure(
                "\(profile.gpusPerReplica) GPUs are needed but only \(pool.available) of \(pool.all.count) are free "
                    + "(the others serve other replicas until they stop after their idle time)")
        }
        groups[key]?.pending += 1
        defer { groups[key]?.pending -= 1 }
        let port: Int
        do {
            port = try FreePort.find(host: host)
        } catch {
            pool.give(gpus)
            throw failure("\(error)")
        }
        let arguments = profile.arguments(modelDirectory: group.directory.path, port: port, model: group.model, host: host)
        var environment = ChildEnvironment.make(from: baseEnvironment, extra: profile.env)
        // The pool decides what a replica sees: none unless it was given some.
        environment["CUDA_VISIBLE_DEVICES"] = gpus.joined(separator: ",")
        let id: Int64
        do {
            id = try await store.insert(
                profile: profile, checkpoint: key.checkpoint, command: arguments, address: "http://\(host):\(port)", gpus: gpus)
        } catch {
            pool.give(gpus)
            throw error
        }
        let child: ChildProcess
        do {
            guard let executable = Self.resolve(arguments[0], path: environment["PATH"]) else {
                throw failure("\(arguments[0]) was not found on PATH")
            }
            try checkAccepting()
            child = try ChildProcess(ChildProcess.Configuration(
                executable: executable, arguments: Array(arguments.dropFirst()), environment: environment,
                standardOutput: .lines(buffer: 1024, whenFull: .dropOldest), mergeStandardError: true))
        } catch {
            pool.give(gpus)
            let reason = (error as? EngineStartError)?.reason ?? "\(error)"
            try? await store.update(id, status: .failed, error: reason)
            throw failure(reason)
        }
        let endpoint = OpenAIEndpoint(
            baseURL: "http://\(host):\(port)/v1", model: group.model, maxConcurrency: profile.maxConcurrency,
            retry: RetryPolicy(maxAttempts: 3))
        let log = LogTail()
        replicas[id] = Replica(
            id: id, key: key, runner: .local(child), log: log, endpoint: endpoint,
            limiter: ConcurrencyLimiter(limit: profile.maxConcurrency), gpus: gpus)
        groups[key]?.replicaIDs.append(id)
        logger.info(
            "engine replica started",
            metadata: ["engine.profile": "\(profile.name)", "engine.replica": "\(id)", "engine.pid": "\(child.pid)",
                       "engine.gpus": "\(gpus.joined(separator: ","))"])
        tasks[id] = Task { await self.supervise(id, child: child, log: log, profile: profile, port: port) }
        try? await store.setProcess(id, child.identity, pid: child.pid)
    }

    /// Reads the replica's output into its tail while waiting for its
    /// health, then for its exit, and records each step. A start-up
    /// failure is recorded once all its output is read: its last words are
    /// the reason.
    private func supervise(_ id: Int64, child: ChildProcess, log: LogTail, profile: EngineProfile, port: Int) async {
        async let reading: Void = Self.read(child.standardOutput, into: log)
        let base = "http://\(host):\(port)"
        let outcome = await Self.waitHealthy(
            child, url: base + profile.healthPath, timeout: .milliseconds(Int64(profile.startupTimeoutSeconds * 1000)))
        var failure: String?
        switch outcome {
        case .ready:
            let version = await EngineProbe.version(base: base)
            let served = profile.command.contains { $0.contains("{model}") } ? nil : await EngineProbe.firstModel(base: base)
            markReady(id, version: version, servedModel: served)
            try? await store.update(id, status: .ready, engineVersion: version)
        case .exited(let termination):
            failure = "it \(termination) during start-up"
        case .timedOut:
            failure = "\(profile.healthPath) did not answer 200 within \(Int(profile.startupTimeoutSeconds)) s"
            await child.terminate(grace: stopGrace)
        case .cancelled:
            break
        }
        let termination = await child.wait()
        await reading
        if let failure {
            if case .exited = outcome, Self.lostItsPort(log), await markPortTaken(id, port: port, log: log) {
                // not a failure of the engine: `prepare` and `checkout` start another on a new port
            } else {
                await markStartFailed(id, reason: failure, log: log)
            }
        }
        await exited(id, how: "\(termination)", log: log)
    }

    /// Start-ups in a row of one group that may lose their port before the
    /// group fails: `FreePort` releases the port it found before the engine
    /// binds it, and on a busy machine another process can take it between.
    static let portCollisionLimit = 3

    /// Whether the engine's last words say its port was taken.
    static func lostItsPort(_ log: LogTail) -> Bool {
        let text = log.last(20)
        return text.contains("Address already in use") || text.contains("EADDRINUSE")
    }

    /// Records a start-up that lost its port, unless the group has lost
    /// `portCollisionLimit` in a row; true when it was recorded (the group
    /// is not failed and its next start takes a new port).
    func markPortTaken(_ id: Int64, port: Int, log: LogTail) async -> Bool {
        guard var replica = replicas[id], !replica.stopping, let group = groups[replica.key],
            group.portCollisions < Self.portCollisionLimit
        else { return false }
        groups[replica.key]?.portCollisions += 1
        replica.status = .failed
        replicas[id] = replica
        let reason = "port \(port) was taken by another process before the engine bound it; starting again on another port"
        logger.warning("engine replica lost its port", metadata: ["engine.replica": "\(id)", "engine.port": "\(port)"])
        try? await store.update(id, status: .failed, error: reason, logTail: log.text)
        return true
    }

    private static func read(_ output: ChildOutput, into log: LogTail) async {
        for await line in output { log.append(line) }
    }

    /// Polls `url` until it answers 2xx, the child exits or `timeout` passes.
    static func waitHealthy(_ child: ChildProcess, url: String, timeout: Duration) async -> StartOutcome {
        let client = RetryingHTTPClient(retry: .none, requestTimeout: .seconds(5))
        let deadline = ContinuousClock.now + timeout
        // Short first: a small engine answers within a second, and the
        // evaluation waits on this; a large one takes minutes either way.
        var delay = Duration.milliseconds(25)
        while ContinuousClock.now < deadline {
            if child.hasExited { return .exited(await child.wait()) }
            if (try? await client.getJSON(from: url)) != nil { return .ready }
            if Task.isCancelled { return .cancelled }
            if let termination = await child.wait(within: delay) { return .exited(termination) }
            delay = min(delay * 3 / 2, .milliseconds(500))
        }
        return .timedOut
    }

    func markReady(_ id: Int64, version: String?, servedModel: String?) {
        guard var replica = replicas[id], !replica.stopping else { return }
        replica.status = .ready
        replica.lastUsed = .now
        if let servedModel { replica.endpoint.model = servedModel }
        replicas[id] = replica
        groups[replica.key]?.portCollisions = 0
        logger.info("engine replica ready", metadata: ["engine.replica": "\(id)", "engine.version": "\(version ?? "unknown")"])
    }

    func markStartFailed(_ id: Int64, reason: String, log: LogTail) async {
        guard var replica = replicas[id] else { return }
        let stopping = replica.stopping
        replica.status = .failed
        replicas[id] = replica
        // Stopped on purpose (shutdown, idle) is not a failure of the engine.
        guard !stopping else { return }
        let error = EngineStartError(profile: replica.key.profile, reason: reason, logTail: log.last(40))
        groups[replica.key]?.failure = error
        logger.warning("engine replica failed to start", metadata: ["engine.replica": "\(id)", "error": "\(reason)"])
        try? await store.update(id, status: .failed, error: reason, logTail: log.text)
    }

    /// The replica's engine is gone (`how` says how it ended): stopped on purpose, or a failure.
    func exited(_ id: Int64, how: String, log: LogTail) async {
        guard let replica = replicas.removeValue(forKey: id) else { return }
        tasks[id] = nil
        pool.give(replica.gpus)
        if let key = groups[replica.key] { groups[replica.key]?.replicaIDs = key.replicaIDs.filter { $0 != id } }
        if let wall = replica.lastUsedWall { try? await store.touch([id: wall]) }
        if replica.stopping {
            try? await store.update(id, status: .stopped, logTail: log.text)
        } else if replica.status == .failed {
            try? await store.update(id, status: .failed, logTail: log.text)
        } else {
            logger.warning("engine replica died", metadata: ["engine.replica": "\(id)", "engine.exit": "\(how)"])
            try? await store.update(id, status: .failed, error: "the replica \(how)", logTail: log.text)
        }
    }

    /// The executable for `name`: a path as given, else the first match on `path`.
    static func resolve(_ name: String, path: String?) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
