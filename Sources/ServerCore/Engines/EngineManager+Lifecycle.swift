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
        await replica.child.terminate(grace: stopGrace)
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

    /// Stops the replicas a previous run of the server left starting or
    /// ready (it was killed): only processes whose pid, start time and boot
    /// match the recorded ones, or the group they left. Called before any
    /// evaluation resumes.
    /// - Returns: the ids of the replicas whose process group was signalled.
    @discardableResult
    package func recoverOrphans() async throws -> [Int64] {
        var signalled: [Int64] = []
        for (id, identity) in try await store.live() {
            var reason = "the server stopped without stopping it"
            if let identity, await ProcessGroup.stop(identity, grace: stopGrace) {
                signalled.append(id)
                reason += "; its process group (pid \(identity.pid)) was stopped when the server started again"
                logger.info("stopped an orphaned engine replica", metadata: ["engine.replica": "\(id)", "engine.pid": "\(identity.pid)"])
            } else {
                reason += "; its process was gone when the server started again"
            }
            try await store.update(id, status: .stopped, error: reason)
        }
        return signalled
    }
}
