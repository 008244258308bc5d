import Benchmarks
import Foundation
import Logging
import ServiceLifecycle

/// Training jobs across restarts: a job that was running when the server
/// stopped has lost its child (or its child's output), so it is marked
/// failed with the reason; pending jobs start again. On shutdown every child
/// is stopped.
struct TrainingService: Service {
    let store: TrainingStore
    let manager: TrainingManager
    let logger: Logger

    func run() async throws {
        try await recover()
        try? await gracefulShutdown()
        await manager.shutdown()
    }

    /// Fails jobs whose child was lost with the previous server, and starts pending ones.
    func recover() async throws {
        for job in try store.unfinished() {
            if job.status == .running {
                var reason = "the server restarted while the job ran"
                if let pid = job.pid, pid > 0, kill(pid, 0) == 0 {
                    kill(pid, SIGTERM)
                    reason += "; its orphaned process (pid \(pid)) was stopped"
                } else if let pid = job.pid {
                    reason += "; its process (pid \(pid)) is gone"
                }
                await manager.end(job.id, status: .failed, reason: reason)
            } else if let launch = try? JSONDecoder().decode(StoredTrainingConfig.self, from: Data(job.config.utf8)).launch {
                await manager.start(job.id, launch: launch)
            }
        }
    }
}

/// What a training job stores as its configuration: the request as given and
/// the launch derived from it.
struct StoredTrainingConfig: Codable, Sendable {
    var request: [String: JSONValue]
    var launch: TrainingLaunch
}
