import Benchmarks
import Foundation

extension EngineManager {
    /// Stops the ready replicas that have had no call in flight for their
    /// profile's `idle_seconds`, and records when the others were last used.
    package func stopIdle() async {
        var uses: [Int64: String] = [:]
        var idle: [Int64] = []
        let now = ContinuousClock.now
        for replica in replicas.values where replica.status == .ready && !replica.stopping {
            if let wall = replica.lastUsedWall { uses[replica.id] = wall }
            guard replica.inFlight == 0, let group = groups[replica.key] else { continue }
            if now - replica.lastUsed >= .milliseconds(Int64(group.profile.idleSeconds * 1000)) { idle.append(replica.id) }
        }
        try? await store.touch(uses)
        for id in idle {
            logger.info("engine replica idle, stopping", metadata: ["engine.replica": "\(id)"])
            await stop(id)
        }
    }

    /// Stops replica `id` (SIGTERM to its group, SIGKILL after the grace)
    /// and waits until its exit is recorded.
    func stop(_ id: Int64) async {
        guard var replica = replicas[id] else { return }
        replica.stopping = true
        replicas[id] = replica
        let task = tasks[id]
        switch replica.runner {
        case .local(let child): await child.terminate(grace: stopGrace)
        case .ray(let job): await job.stop(grace: stopGrace)
        }
        await task?.value
    }

    /// Refuses new replicas and stops every running one (the server is stopping).
    package func shutdown() async {
        accepting = false
        let ids = Array(replicas.keys)
        await withTaskGroup(of: Void.self) { group in
            for id in ids { group.addTask { await self.stop(id) } }
        }
    }

    /// Waits until Ray reports job `submissionID` over (its stop is asynchronous).
    private static func waitEnded(_ client: RayJobsClient, _ submissionID: String, within limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let info = try? await client.info(submissionID), !info.status.isTerminal {
                try? await Task.sleep(for: .milliseconds(200))
            } else {
                return
            }
        }
    }

    /// Stops the replicas a previous run of the server left starting or
    /// ready (it was killed): local ones only if their pid, start time and
    /// boot match the recorded ones (or the group they left), Ray ones
    /// through the Jobs API by their recorded submission id. Called before
    /// any evaluation resumes.
    /// - Returns: the ids of the replicas that were stopped.
    @discardableResult
    package func recoverOrphans() async throws -> [Int64] {
        var stopped: [Int64] = []
        for (id, remnant) in try await store.live() {
            var reason = "the server stopped without stopping it"
            switch remnant {
            case .local(let identity):
                if let identity, await ProcessGroup.stop(identity, grace: stopGrace) {
                    stopped.append(id)
                    reason += "; its process group (pid \(identity.pid)) was stopped when the server started again"
                    logger.info("stopped an orphaned engine replica", metadata: ["engine.replica": "\(id)", "engine.pid": "\(identity.pid)"])
                } else {
                    reason += "; its process was gone when the server started again"
                }
            case .ray(let address, let submissionID):
                guard let address, let submissionID, let client = try? RayJobsClient(address: address) else {
                    reason += "; it was never submitted to Ray"
                    break
                }
                do {
                    if try await client.stop(submissionID) {
                        await Self.waitEnded(client, submissionID, within: stopGrace + .seconds(10))
                        stopped.append(id)
                        reason += "; its Ray job \(submissionID) was stopped when the server started again"
                        logger.info("stopped an orphaned engine replica", metadata: ["engine.replica": "\(id)", "ray.job": "\(submissionID)"])
                    } else {
                        reason += "; its Ray job \(submissionID) had ended"
                    }
                } catch RayJobsError.unknownJob {
                    reason += "; Ray does not know its job \(submissionID)"
                } catch {
                    // The cluster is unreachable: the row stays live so the next start tries again.
                    logger.warning(
                        "cannot stop an orphaned Ray replica", metadata: ["engine.replica": "\(id)", "error": "\(error)"])
                    continue
                }
            }
            try await store.update(id, status: .stopped, error: reason)
        }
        return stopped
    }
}
