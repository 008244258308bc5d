import Benchmarks
import Foundation
import Logging

/// The supervisor of training jobs: it starts them in order as capacity
/// allows (``TrainingCapacity``), follows them and moves each through
/// `pending → running → finished | failed | cancelled | interrupted`.
///
/// A job runs detached (``DetachedProcess``): its own session and process
/// group, output to files in its directory, so the server can stop and
/// start again while it trains; ``recover(_:)`` finds it again. A template
/// job with `"launcher": "ray"` is submitted to a Ray cluster instead and
/// followed through its Jobs API (`TrainingManager+Ray.swift`). What the
/// job writes is the ingester's business (``TrainingIngester``).
package actor TrainingManager {
    /// How jobs are run.
    package struct Settings: Sendable {
        /// Between SIGTERM and SIGKILL to a cancelled job's group.
        package var grace: Duration = .seconds(10)
        /// The supervisor's argv prefix (``ServerConfig/supervisorCommand``).
        package var supervisor: [String]
        /// The server's environment, for ``JobEnvironment``'s allow-list.
        package var environment: [String: String]
        package var logLimit: Int64 = 16 << 20
        package var maxRunning: Int?
        package var gpus: [Int]?

        package init(config: ServerConfig) {
            grace = config.cancelGrace
            supervisor = config.supervisorCommand
            environment = config.environment
            logLimit = config.jobLogLimit
            maxRunning = config.maxRunningJobs
            gpus = config.gpus
        }
    }

    /// A job admitted to run (or found running after a restart).
    struct Active {
        var launch: TrainingLaunch
        var process: DetachedProcess?
        /// The cluster's client, for a job that runs on Ray.
        var ray: RayJobsClient?
        /// A stop was asked for: the job ends with this status and reason.
        var stop: (status: JobStatus, reason: String)?
        var task: Task<Void, Never>?
    }

    // Not private: the checkpoint merge (TrainingManager+Merge.swift) uses them.
    let store: TrainingStore
    let ingester: TrainingIngester
    let logger: Logger
    let settings: Settings
    /// Registers a finished job's checkpoint (a built-in job's file, or a
    /// template job's merged directory) and queues its evaluation.
    private let finish: @Sendable (_ job: Int64, _ launch: TrainingLaunch, _ merged: Merged?) async throws -> TrainingResults.Outcome
    var capacity: TrainingCapacity
    /// Pending jobs in the order they start.
    var queue: [(id: Int64, launch: TrainingLaunch)] = []
    var active: [Int64: Active] = [:]
    private(set) var stopped = false

    package init(
        store: TrainingStore, hub: EventHub, logger: Logger, settings: Settings,
        finish: @escaping @Sendable (_ job: Int64, _ launch: TrainingLaunch, _ merged: Merged?) async throws -> TrainingResults.Outcome
    ) {
        self.store = store
        self.ingester = TrainingIngester(store: store, hub: hub, logger: logger)
        self.logger = logger
        self.settings = settings
        self.capacity = TrainingCapacity(maxRunning: settings.maxRunning, devices: settings.gpus)
        self.finish = finish
    }

    /// Queues job `id` (pending) with `launch`; it starts once the jobs
    /// before it have started and capacity allows.
    package func start(_ id: Int64, launch: TrainingLaunch) {
        guard active[id] == nil, !queue.contains(where: { $0.id == id }) else { return }
        queue.append((id, launch))
        admit()
    }

    /// Cancels job `id`: a pending one never starts; a running one's group
    /// gets SIGTERM, then SIGKILL once the grace period passed. Returns when
    /// the job has ended (the grace period and a moment at most: the kill
    /// does not depend on the caller waiting).
    package func cancel(_ id: Int64, status: JobStatus = .cancelled, reason: String = "cancelled on request") async {
        if let index = queue.firstIndex(where: { $0.id == id }) {
            queue.remove(at: index)
            await end(id, status: status, reason: reason)
            return
        }
        guard var job = active[id] else {
            // Not ours (already over, or not recovered yet): end it in the store.
            await end(id, status: status, reason: reason)
            return
        }
        if job.stop == nil {
            job.stop = (status, reason)
            active[id] = job
        }
        if let process = job.process {
            let grace = settings.grace
            Task.detached { await process.terminate(grace: grace) }
        }
        if let client = job.ray, let submission = job.launch.ray?.submissionID {
            // Ray signals the entrypoint's processes; the job's follower sees it stop.
            Task.detached { _ = try? await client.stop(submission) }
            await awaitRayStop(id, bound: settings.grace + .seconds(5))
            return
        }
        await job.task?.value
    }

    /// Stops following jobs when the server shuts down. The jobs go on
    /// running; the next server finds them again (``recover(_:)``).
    package func shutdown() async {
        stopped = true
        let tasks = active.values.compactMap(\.task)
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    /// Picks up the jobs a previous server left unfinished, in id order:
    /// pending ones queue again; a running one is followed on from where
    /// its files were read if its process is still the one it started, or
    /// if it left an exit record; otherwise it ends `interrupted`.
    package func recover(_ jobs: [TrainingStore.Job]) async {
        for job in jobs {
            let launch = try? JSONDecoder().decode(StoredTrainingConfig.self, from: Data(job.config.utf8)).launch
            guard active[job.id] == nil else { continue }
            if let launch, launch.ray != nil {
                await recoverRay(job, launch: launch)
                continue
            }
            var job = job
            if job.status == .pending {
                guard let launch else {
                    await end(job.id, status: .failed, reason: "its stored configuration cannot be read")
                    continue
                }
                // Started, but the server died before it stored the process:
                // the supervisor's own record of itself says so.
                guard launch.jobDirectory != nil, let identity = DetachedProcess.readIdentity(at: launch.identityRecordPath) else {
                    queue.append((job.id, launch))
                    continue
                }
                job.process = identity
                job.pid = identity.pid
                _ = try? await store.setStatus(job.id, .running, process: identity)
            }
            let restarted = "the server restarted while the job ran"
            guard let launch, launch.jobDirectory != nil else {
                // Started by an older server, attached to it by pipes: it
                // cannot be followed. Only its own process is signalled.
                var reason = restarted
                if let process = job.process, process.signalGroup(SIGTERM) {
                    reason += "; its orphaned process group (pid \(process.pid)) was sent SIGTERM"
                } else if let pid = job.pid {
                    reason += "; its process (pid \(pid)) is gone"
                }
                await end(job.id, status: .interrupted, reason: reason)
                continue
            }
            let process = job.process.flatMap { DetachedProcess.attach($0, exitRecord: launch.exitRecordPath) }
            if process == nil, ExitRecord.read(at: launch.exitRecordPath) == nil {
                await end(
                    job.id, status: .interrupted,
                    reason: "\(restarted); its process (pid \(job.pid.map(String.init) ?? "unknown")) is gone and left no exit record")
                continue
            }
            capacity.hold(job: job.id, devices: job.gpus)
            let positions = (try? await store.positions(job: job.id)) ?? [:]
            logger.info("following a training job again", metadata: ["training.id": "\(job.id)", "training.pid": "\(job.pid ?? 0)"])
            active[job.id] = Active(launch: launch, process: process)
            active[job.id]?.task = Task { await self.follow(job.id, launch: launch, process: process, positions: positions) }
        }
        admit()
    }

    /// Ends a job that has no process of ours (e.g. after a restart).
    package func end(_ id: Int64, status: JobStatus, reason: String) async {
        try? await emitEnd(id, status: status, error: reason)
    }

    // MARK: - Running

    /// Starts queued jobs, first come first served, while capacity allows.
    /// A Ray job holds a place among `--max-running-jobs` but none of the
    /// local GPUs: the cluster schedules its resources.
    func admit() {
        while !stopped, let next = queue.first,
            let admission = capacity.admit(job: next.id, gpus: next.launch.ray == nil ? next.launch.gpus ?? 0 : 0)
        {
            queue.removeFirst()
            active[next.id] = Active(launch: next.launch)
            active[next.id]?.task = Task { await self.run(next.id, launch: next.launch, devices: admission.devices) }
        }
    }

    private func run(_ id: Int64, launch: TrainingLaunch, devices: [Int]?) async {
        if launch.ray != nil {
            await runRay(id, launch: launch)
            return
        }
        // Spawning is synchronous, so a cancel is either seen here or finds
        // the process started: it cannot slip between the check and the spawn.
        if let stop = active[id]?.stop {
            await conclude(id, launch: launch, ended: nil, stop: stop)
            return
        }
        let process: DetachedProcess
        do {
            for directory in [launch.directory, launch.workingDirectory] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            process = try DetachedProcess.launch(DetachedProcess.Configuration(
                supervisor: settings.supervisor, command: launch.arguments,
                environment: JobEnvironment.make(server: settings.environment, launch: launch.environment ?? [:], devices: devices),
                workingDirectory: launch.workingDirectory, standardOutput: launch.standardOutputPath,
                standardError: launch.standardErrorPath, exitRecord: launch.exitRecordPath,
                identityRecord: launch.identityRecordPath))
        } catch {
            await conclude(id, launch: launch, ended: nil, stop: (.failed, "could not start \(launch.arguments.first ?? ""): \(error)"))
            return
        }
        active[id]?.process = process
        _ = try? await store.setStatus(id, .running, process: process.identity, gpus: devices)
        var status: [String: any Sendable] = ["status": "running", "pid": Int(process.pid)]
        if let devices { status["gpus"] = devices }
        try? await ingester.emit(id, .status, status)
        await follow(id, launch: launch, process: process, positions: [:])
    }

    /// Reads the job's files until its process is gone, then ends the job,
    /// unless the server is stopping (then the next server reads on).
    private func follow(
        _ id: Int64, launch: TrainingLaunch, process: DetachedProcess?, positions: [String: OutputFile.Position]
    ) async {
        var files = [
            OutputFile(name: "stdout", path: launch.standardOutputPath, rewritable: false, retainBytes: settings.logLimit),
            OutputFile(name: "stderr", path: launch.standardErrorPath, rewritable: false, retainBytes: settings.logLimit),
        ]
        // First, so that of a step both loggers report the file's line is kept.
        if let metrics = launch.eventsFile {
            files.insert(OutputFile(name: "metrics", path: metrics, rewritable: true, retainBytes: nil), at: 0)
        }
        await ingester.follow(
            job: id, files: files, from: positions, logLimit: settings.logLimit, exited: { process?.hasExited ?? true })
        if Task.isCancelled || stopped { return }
        let record: ExitRecord?
        if let process { record = await process.wait() } else { record = ExitRecord.read(at: launch.exitRecordPath) }
        let ended: RunEnd = if let record, record.succeeded { .succeeded } else {
            .failed(record.map { "the training process \($0)" }
                ?? "the training process group was killed before its supervisor recorded how it ended")
        }
        await complete(id, launch: launch, ended: ended)
    }

    /// How a job's command ended.
    enum RunEnd: Sendable {
        case succeeded
        /// Why, without the last log lines (``conclude(_:launch:ended:stop:merged:)`` adds them).
        case failed(String)
    }

    /// After the command ended: the success check and the checkpoint merge,
    /// then the job's end. Returns without ending it when the server stops.
    func complete(_ id: Int64, launch: TrainingLaunch, ended: RunEnd) async {
        var stop = active[id]?.stop
        var merged: MergeOutcome?
        if stop == nil, case .succeeded = ended, let collection = launch.checkpoints,
            await successFailure(id, launch: launch) == nil
        {
            // Here, not in conclude: a server stopping mid-merge stops
            // following it, and the next server merges again.
            merged = await merge(id, launch: launch, collection: collection)
            if Task.isCancelled || stopped { return }
            stop = active[id]?.stop
        }
        // Not cut short if the server starts stopping meanwhile.
        await Task { [stop, merged] in await self.conclude(id, launch: launch, ended: ended, stop: stop, merged: merged) }.value
    }

    /// Why a run that exited 0 does not count as finished, or nil.
    private func successFailure(_ id: Int64, launch: TrainingLaunch) async -> String? {
        guard let check = launch.success else { return nil }
        return check.failure(lastMetricStep: (try? await store.lastMetricStep(job: id)) ?? nil)
    }

    /// Ends the job from how its command ended, and frees its place.
    func conclude(
        _ id: Int64, launch: TrainingLaunch, ended: RunEnd?, stop: (status: JobStatus, reason: String)?,
        merged: MergeOutcome? = nil
    ) async {
        defer {
            active[id] = nil
            capacity.release(job: id)
            admit()
        }
        if let stop {
            try? await emitEnd(id, status: stop.status, error: stop.reason)
            return
        }
        guard case .succeeded? = ended else {
            var how = "the training process ended without a record of how"
            if case .failed(let reason)? = ended { how = reason }
            let lines = (try? await store.lastLogLines(job: id, count: 3)) ?? []
            try? await emitEnd(id, status: .failed, error: how + (lines.isEmpty ? "" : ": " + lines.joined(separator: " | ")))
            return
        }
        if let reason = await successFailure(id, launch: launch) {
            try? await emitEnd(id, status: .failed, error: "the training process exited with status 0, but \(reason)")
            return
        }
        var output: Merged?
        if launch.checkpoints != nil {
            switch merged {
            case .merged(let result)?: output = result
            case .failed(let reason)?:
                try? await emitEnd(id, status: .failed, error: reason)
                return
            case nil:
                try? await emitEnd(id, status: .failed, error: "training finished but its checkpoint was not merged")
                return
            }
        }
        do {
            let result = try await finish(id, launch, output)
            try await store.setResult(id, checkpointID: result.checkpoint, evaluationID: result.evaluation)
            var extra: [String: any Sendable] = [:]
            if let checkpoint = result.checkpoint { extra["checkpoint_id"] = Int(checkpoint) }
            if let evaluation = result.evaluation { extra["evaluation_id"] = Int(evaluation) }
            if let problem = result.evaluationError { extra["evaluation_error"] = problem }
            try await emitEnd(id, status: .finished, error: nil, extra: extra)
        } catch {
            try? await emitEnd(id, status: .failed, error: "training finished but its result could not be registered: \(error)")
        }
    }

    /// Moves the job to its terminal status, then emits `status` and `end`
    /// and closes its stream. Nothing happens if it already ended.
    func emitEnd(_ job: Int64, status: JobStatus, error: String?, extra: [String: any Sendable] = [:]) async throws {
        guard try await store.setStatus(job, status, error: error) else { return }
        var object: [String: any Sendable] = ["status": status.rawValue]
        if let error { object["error"] = error }
        try await ingester.emit(job, .status, object)
        try await ingester.emit(job, .end, object.merging(extra) { $1 })
        ingester.hub.close(.trainingJob(job))
    }
}
