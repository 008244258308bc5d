import Benchmarks
import Foundation

extension EngineManager {
    /// Submits one replica of `key` as a Ray job: a row (with the
    /// submission id, before the submit), the working directory uploaded if
    /// it is local, the job, and the supervisor that follows it through the
    /// Jobs API. The replica's address is learned from the job once its
    /// bootstrap has a port (``EngineProfile/rayEntrypoint(modelDirectory:model:)``).
    func startRay(_ key: GroupKey, group: Group) async throws {
        let profile = group.profile
        func failure(_ reason: String) -> EngineStartError { EngineStartError(profile: profile.name, reason: reason, logTail: "") }
        guard let settings = profile.ray else { throw failure("the profile has no ray settings") }
        let client: RayJobsClient
        do {
            client = try RayJobsClient(address: settings.address)
        } catch {
            throw failure("\(error)")
        }
        groups[key]?.pending += 1
        defer { groups[key]?.pending -= 1 }
        let entrypoint = profile.rayEntrypoint(modelDirectory: rayModelDirectory(group.directory.path, settings: settings), model: group.model)
        let id = try await store.insert(profile: profile, checkpoint: key.checkpoint, command: entrypoint, address: nil, gpus: [])
        let submissionID = ServerInstance.replicaSubmissionID(instance: instance, replica: id)
        do {
            try await store.setRayJob(id, submissionID: submissionID)
            try checkAccepting()
            var job = RayJobSubmission(submissionID: submissionID, entrypoint: entrypoint)
            job.runtimeEnvironment = try await runtimeEnvironment(settings, profile: profile, client: client)
            if profile.gpusPerReplica > 0 { job.numGPUs = Double(profile.gpusPerReplica) }
            job.numCPUs = settings.entrypointNumCPUs
            job.metadata = ["aepo_engine": profile.name, "aepo_checkpoint": "\(key.checkpoint)", "aepo_replica": "\(id)"]
            try await client.submit(job)
        } catch {
            let reason = "\(error)"
            try? await store.update(id, status: .failed, error: reason)
            throw failure(reason)
        }
        let run = RayReplicaJob(client: client, submissionID: submissionID)
        let log = LogTail()
        // The address is a placeholder until the job reports its node and port.
        let endpoint = OpenAIEndpoint(
            baseURL: "http://0.0.0.0/v1", model: group.model, maxConcurrency: profile.maxConcurrency, retry: RetryPolicy(maxAttempts: 3))
        replicas[id] = Replica(
            id: id, key: key, runner: .ray(run), log: log, endpoint: endpoint,
            limiter: ConcurrencyLimiter(limit: profile.maxConcurrency), gpus: [])
        groups[key]?.replicaIDs.append(id)
        logger.info(
            "engine replica submitted to Ray",
            metadata: ["engine.profile": "\(profile.name)", "engine.replica": "\(id)", "ray.job": "\(submissionID)",
                       "ray.address": "\(settings.address)"])
        tasks[id] = Task { await self.superviseRay(id, job: run, log: log, profile: profile) }
    }

    /// `directory` as the cluster's nodes see it.
    private func rayModelDirectory(_ directory: String, settings: EngineProfile.RaySettings) -> String {
        guard let mapped = settings.checkpointsPath, let root = checkpointsDirectory, directory.hasPrefix(root + "/") else {
            return directory
        }
        return mapped + directory.dropFirst(root.count)
    }

    /// The job's `runtime_env`: the profile's, with its `env` (secrets never:
    /// only what the profile names) and a local `working_dir` uploaded.
    private func runtimeEnvironment(
        _ settings: EngineProfile.RaySettings, profile: EngineProfile, client: RayJobsClient
    ) async throws -> [String: JSONValue] {
        var environment = settings.runtimeEnvironment
        if !profile.env.isEmpty { environment["env_vars"] = .object(profile.env.mapValues { .string($0) }) }
        if case .string(let directory)? = environment["working_dir"], directory.hasPrefix("/") {
            let package = try await BlockingWork.run { try RayPackage(directory: directory) }
            environment["working_dir"] = .string(try await client.upload(package))
        }
        return environment
    }

    /// Follows a Ray replica's job: its log into the tail, its port and
    /// node into its address, its health until ready, then its status
    /// until it ends.
    private func superviseRay(_ id: Int64, job: RayReplicaJob, log: LogTail, profile: EngineProfile) async {
        let deadline = ContinuousClock.now + .milliseconds(Int64(profile.startupTimeoutSeconds * 1000))
        let health = RetryingHTTPClient(retry: .none, requestTimeout: .seconds(5))
        var reader = RayLogReader()
        var address: String?
        var ready = false
        var failure: String?
        var how = "was stopped"
        var delay = Duration.milliseconds(100)
        while true {
            let info = try? await job.client.info(job.submissionID)
            for line in await readLog(job, info: info, reader: &reader) { log.append(line) }
            if address == nil, let port = reader.port, let node = info?.driverNodeIP {
                address = "http://\(node):\(port)"
                setAddress(id, address!)
                try? await store.setAddress(id, address!)
            }
            if !ready, let address, (try? await health.getJSON(from: address + profile.healthPath)) != nil {
                ready = true
                let version = await EngineProbe.version(base: address)
                let served = profile.command.contains { $0.contains("{model}") } ? nil : await EngineProbe.firstModel(base: address)
                markReady(id, version: version, servedModel: served)
                try? await store.update(id, status: .ready, engineVersion: version)
            }
            if let info, info.status.isTerminal {
                how = Self.describe(info)
                if !ready { failure = "its Ray job \(how) during start-up" }
                break
            }
            if !ready, ContinuousClock.now >= deadline {
                failure = "\(profile.healthPath) did not answer 200 within \(Int(profile.startupTimeoutSeconds)) s"
                _ = try? await job.client.stop(job.submissionID)
                how = "was stopped after its start-up timeout"
                break
            }
            if Task.isCancelled { break }
            try? await Task.sleep(for: delay)
            // Quick while starting (the evaluation waits on it), calm once it serves.
            delay = ready ? .seconds(1) : min(delay * 3 / 2, .milliseconds(500))
        }
        for line in await readLog(job, info: try? await job.client.info(job.submissionID), reader: &reader, final: true) {
            log.append(line)
        }
        job.end.fire()
        if let failure { await markStartFailed(id, reason: failure, log: log) }
        await exited(id, how: how, log: log)
    }

    /// The replica's new log lines: byte ranges of its driver log from its
    /// node's agent (only what was not read; past 1 MiB behind, only the
    /// last 64 KiB, since only the tail is kept), else the whole log from the
    /// Jobs API.
    private func readLog(_ job: RayReplicaJob, info: RayJobInfo?, reader: inout RayLogReader, final: Bool = false) async -> [String] {
        let chunk = 1 << 20
        if reader.ranges, let agent = info?.driverAgentHTTPAddress {
            var lines: [String] = []
            for _ in 0..<8 {
                switch try? await job.client.driverLog(agent: agent, submissionID: job.submissionID, from: reader.offset, maxBytes: chunk) {
                case .bytes(let bytes, let size)?:
                    let atEnd = bytes.count < chunk
                    lines += reader.read(bytes, final: final && atEnd, whole: !atEnd)
                    if let size, reader.port != nil, size - reader.offset > Int64(chunk) { reader.skip(to: size - (64 << 10)) }
                    if atEnd { return lines }
                case .end(let size)?:
                    if size < reader.offset { reader.skip(to: 0) }
                    return lines
                case .unavailable?, nil:
                    reader.ranges = false
                    return lines
                }
            }
            return lines
        }
        guard let text = try? await job.client.logs(job.submissionID) else { return [] }
        return reader.newLines(in: text, final: final)
    }

    private func setAddress(_ id: Int64, _ address: String) {
        replicas[id]?.endpoint.baseURL = address + "/v1"
    }

    /// How a Ray job ended, for the replica's record.
    static func describe(_ info: RayJobInfo) -> String {
        var text = "ended \(info.status.rawValue)"
        if let code = info.driverExitCode { text += " (exit status \(code))" }
        // Ray's message repeats the log after its first clause; the log tail is kept apart.
        if let message = info.message?.split(separator: "\n").first {
            let clause = message.components(separatedBy: ", last available logs").first ?? String(message)
            text += ": " + String(clause.prefix(300))
        }
        return text
    }
}

/// Reads a Ray replica's log by byte offset (``RayLogLines``): byte ranges
/// of its driver log while the node's agent serves them (``read(_:final:whole:)``),
/// else the whole log the Jobs API returns on every call
/// (``newLines(in:final:)``); a partial last line is read again with the
/// next bytes. It also notes the port the replica's bootstrap reported.
struct RayLogReader {
    /// Bytes of the log consumed (complete lines read, or skipped).
    private(set) var offset: Int64 = 0
    /// Whether byte ranges are still tried.
    var ranges = true
    private(set) var port: Int?

    /// The lines of `bytes`, the log from ``offset`` on; the offset moves past them.
    mutating func read(_ bytes: [UInt8], final: Bool, whole: Bool = false) -> [String] {
        let (lines, consumed) = RayLogLines.lines(of: bytes[...], final: final, whole: whole)
        offset += Int64(consumed)
        notePort(in: lines)
        return lines
    }

    /// Continues at byte `offset` (far behind: only the tail matters; or 0 when the log was replaced).
    mutating func skip(to offset: Int64) {
        self.offset = offset
    }

    /// The lines of the whole log `text` past ``offset``; with `final`, an
    /// unterminated last line too.
    mutating func newLines(in text: String, final: Bool = false) -> [String] {
        // A shorter log than before is not this job's (never expected): start over.
        if text.utf8.count < Int(offset) { offset = 0 }
        let (lines, next) = RayLogLines.lines(of: text, from: offset, final: final)
        offset = next
        notePort(in: lines)
        return lines
    }

    private mutating func notePort(in lines: [String]) {
        for line in lines where port == nil && line.hasPrefix(EngineProfile.rayPortMarker) {
            port = Int(line.dropFirst(EngineProfile.rayPortMarker.count).trimmingCharacters(in: .whitespaces))
        }
    }
}
