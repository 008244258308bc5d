import Benchmarks
import Foundation
import Logging
import ServiceLifecycle

/// Training jobs across restarts: a job that was running when the server
/// stopped has lost its child (or its child's output), so it is marked
/// failed with the reason; pending jobs start again. On shutdown every child
/// is stopped.
package struct TrainingService: Service {
    package let store: TrainingStore
    package let manager: TrainingManager
    package let logger: Logger

    package init(store: TrainingStore, manager: TrainingManager, logger: Logger) {
        self.store = store
        self.manager = manager
        self.logger = logger
    }

    package func run() async throws {
        try await recover()
        try? await gracefulShutdown()
        await manager.shutdown()
    }

    /// Fails jobs whose child was lost with the previous server, and starts pending ones.
    package func recover() async throws {
        for job in try await store.unfinished() {
            if job.status == .running {
                var reason = "the server restarted while the job ran"
                // Only the process the job started, recognised by its start
                // time and boot: a bare pid may belong to anyone by now.
                if let process = job.process, process.signalGroup(SIGTERM) {
                    reason += "; its orphaned process group (pid \(process.pid)) was sent SIGTERM"
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
package struct StoredTrainingConfig: Codable, Sendable {
    package var request: [String: JSONValue]
    package var launch: TrainingLaunch

    package init(request: [String: JSONValue], launch: TrainingLaunch) {
        self.request = request
        self.launch = launch
    }
}
