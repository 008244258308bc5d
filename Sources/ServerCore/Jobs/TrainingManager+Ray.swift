import Benchmarks
import Foundation
import Logging

/// Template jobs with `"launcher": "ray"`: submitted to a Ray cluster's
/// Jobs API under the submission id stored with their launch, followed by
/// polling (the job's status, its log, and the verl metrics file when the
/// server can read it), stopped through the API, and found again by their
/// submission id after a restart. What happens once the command has ended
/// (success check, merge, registration, evaluation) is the local jobs' path.
extension TrainingManager {
    /// Between two looks at a running Ray job.
    static let rayInterval: Duration = .seconds(1)
    /// Between two looks while a stop is awaited, so a cancel answers soon.
    static let rayStopInterval: Duration = .milliseconds(200)
    /// The source name under which the read offset of a Ray job's log is stored.
    static let rayLogSource = "ray"

    /// Submits job `id` (unless Ray knows it already), then follows it.
    func runRay(_ id: Int64, launch: TrainingLaunch) async {
        guard let ray = launch.ray else { return }
        if let stop = active[id]?.stop {
            await conclude(id, launch: launch, ended: nil, stop: stop)
            return
        }
        let client: RayJobsClient
        do {
            client = try RayJobsClient(address: ray.address)
            active[id]?.ray = client
            // The recipe writes its metrics file and checkpoints under the
            // job's directory (a filesystem the cluster shares); the merge
            // runs in it.
            try FileManager.default.createDirectory(atPath: launch.directory, withIntermediateDirectories: true)
            try await submitRay(id, launch: launch, ray: ray, client: client)
        } catch {
            // The server is stopping: the job stays pending, and the next
            // server finds it by its submission id or submits it.
            if Task.isCancelled || stopped { return }
            await conclude(id, launch: launch, ended: nil, stop: (.failed, "could not submit the job to Ray at \(ray.address): \(error)"))
            return
        }
        if Task.isCancelled || stopped { return }
        _ = try? await store.setStatus(id, .running)
        try? await ingester.emit(
            id, .status, ["status": "running", "launcher": "ray", "submission_id": ray.submissionID, "ray_address": ray.address])
        // A cancel that came during the submission found nothing to stop yet.
        if active[id]?.stop != nil {
            Task.detached { _ = try? await client.stop(ray.submissionID) }
        }
        await followRay(id, launch: launch, ray: ray, client: client, positions: [:])
    }

    /// Waits until the follower of cancelled Ray job `id` has ended it, at
    /// most `bound` (a slow or unreachable dashboard must not hold the
    /// cancel); past it the job ends with its stop's status now, and the
    /// follower, finding it ended, only frees its place.
    func awaitRayStop(_ id: Int64, bound: Duration) async {
        let deadline = ContinuousClock.now + bound
        while active[id] != nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if let stop = active[id]?.stop {
            await end(id, status: stop.status, reason: stop.reason + " (Ray had not confirmed the stop yet)")
        }
    }

    /// Submits the job unless its submission id is known to the cluster
    /// already (a server that stopped right after submitting it).
    private func submitRay(_ id: Int64, launch: TrainingLaunch, ray: RayLaunch, client: RayJobsClient) async throws {
        do {
            _ = try await client.info(ray.submissionID)
            return
        } catch RayJobsError.unknownJob {}
        var workingDirectory: String?
        if let local = ray.localWorkingDirectory {
            // Zipping reads the whole tree: not on the cooperative pool.
            let package = try await BlockingWork.run { try RayPackage(directory: local) }
            workingDirectory = try await client.upload(package)
        }
        let submission = ray.submission(
            arguments: launch.arguments, environment: launch.environment ?? [:], workingDirectory: workingDirectory, job: id)
        do {
            try await client.submit(submission)
        } catch RayJobsError.duplicate {
            // Submitted meanwhile by the same id: it is this job.
        }
        logger.info(
            "submitted a training job to Ray",
            metadata: ["training.id": "\(id)", "ray.submission_id": "\(ray.submissionID)", "ray.address": "\(ray.address)"])
    }

    /// Polls the Ray job until it ends, storing its new log lines (read in
    /// bounded ranges, ``readRayLog(_:ray:client:info:offset:final:reader:)``) and
    /// metrics as they come, then completes it like a local job. Returns
    /// without ending it when the server stops (the next server reads on
    /// from the stored positions).
    func followRay(
        _ id: Int64, launch: TrainingLaunch, ray: RayLaunch, client: RayJobsClient, positions: [String: OutputFile.Position]
    ) async {
        var logOffset = positions[Self.rayLogSource]?.offset ?? 0
        var metricsPosition = positions["metrics"] ?? OutputFile.Position()
        // Read only if the server sees the recipe's filesystem; the console
        // lines in the log bring the same steps otherwise.
        let metrics = launch.eventsFile.map { OutputFile(name: "metrics", path: $0, rewritable: true, retainBytes: nil) }
        var stopAsked: ContinuousClock.Instant?
        var failing = false
        var last: RayJobInfo?
        var logReader = RayLogReader.undecided(misses: 0)
        while !Task.isCancelled, !stopped {
            if active[id]?.stop != nil, stopAsked == nil { stopAsked = .now }
            do {
                let info = try await client.info(ray.submissionID)
                let final = info.status.isTerminal
                // The file first, so that of a step both loggers report the file's line is kept.
                if let metrics {
                    metricsPosition = await ingester.read(
                        job: id, file: metrics, from: metricsPosition, final: final, logLimit: settings.logLimit)
                }
                try await readRayLog(
                    id, ray: ray, client: client, info: info, offset: &logOffset, final: final, reader: &logReader)
                failing = false
                if final {
                    last = info
                    break
                }
            } catch RayJobsError.unknownJob {
                await conclude(
                    id, launch: launch, ended: nil,
                    stop: active[id]?.stop
                        ?? (.interrupted, "Ray at \(ray.address) no longer knows submission id \(ray.submissionID) "
                            + "(the cluster was restarted or the job deleted)"))
                return
            } catch {
                if Task.isCancelled || stopped { return }
                // The cluster may come back: keep asking, say so once.
                if !failing {
                    logger.warning(
                        "cannot follow a Ray training job",
                        metadata: ["training.id": "\(id)", "ray.submission_id": "\(ray.submissionID)", "error": "\(error)"])
                    failing = true
                }
            }
            // A cancel waits for Ray to confirm the stop, within a bound.
            if let stopAsked, ContinuousClock.now - stopAsked > settings.grace + .seconds(5) { break }
            try? await Task.sleep(for: stopAsked == nil ? Self.rayInterval : Self.rayStopInterval)
        }
        if Task.isCancelled || stopped { return }
        let ended: RunEnd
        if let last, last.status == .succeeded {
            ended = .succeeded
        } else {
            ended = .failed(Self.rayFailure(last, submission: ray.submissionID))
        }
        await complete(id, launch: launch, ended: ended)
    }

    /// Why a Ray job that did not succeed failed, from what Ray says (its
    /// message's first line: the rest repeats the log).
    nonisolated static func rayFailure(_ info: RayJobInfo?, submission: String) -> String {
        guard let info else { return "Ray did not confirm that job \(submission) ended" }
        var text = info.status == .stopped ? "the Ray job \(submission) was stopped" : "the Ray job \(submission) failed"
        if let code = info.driverExitCode { text += " with exit code \(code)" }
        if let type = info.errorType { text += " (\(type))" }
        if let message = info.message?.split(whereSeparator: \.isNewline).first { text += ": \(message.prefix(500))" }
        return text
    }

    /// Picks up a Ray job a previous server left: a running one (or a
    /// pending one Ray knows, submitted just before the server stopped) is
    /// followed on from the stored positions; a pending one Ray does not
    /// know queues again; a running one Ray no longer knows ends `interrupted`.
    func recoverRay(_ job: TrainingStore.Job, launch: TrainingLaunch) async {
        guard let ray = launch.ray else { return }
        let client: RayJobsClient
        do { client = try RayJobsClient(address: ray.address) } catch {
            await end(job.id, status: .failed, reason: "its Ray address cannot be used: \(error)")
            return
        }
        // nil: the cluster did not answer; a running job is followed anyway
        // (the follower keeps asking), a pending one queues again.
        var known: Bool?
        do {
            _ = try await client.info(ray.submissionID)
            known = true
        } catch RayJobsError.unknownJob {
            known = false
        } catch {
            known = nil
        }
        if job.status == .pending {
            guard known == true else {
                queue.append((job.id, launch))
                return
            }
            _ = try? await store.setStatus(job.id, .running)
        } else if known == false {
            await end(
                job.id, status: .interrupted,
                reason: "the server restarted while the job ran, and Ray at \(ray.address) no longer knows submission id "
                    + "\(ray.submissionID) (the cluster was restarted or the job deleted)")
            return
        }
        capacity.hold(job: job.id, devices: nil)
        let positions = (try? await store.positions(job: job.id)) ?? [:]
        logger.info(
            "following a Ray training job again",
            metadata: ["training.id": "\(job.id)", "ray.submission_id": "\(ray.submissionID)"])
        active[job.id] = Active(launch: launch, ray: client)
        active[job.id]?.task = Task {
            await self.followRay(job.id, launch: launch, ray: ray, client: client, positions: positions)
        }
    }
}
