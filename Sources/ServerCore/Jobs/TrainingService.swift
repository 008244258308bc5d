import Benchmarks
import Foundation
import Logging
import ServiceLifecycle

/// Training jobs across restarts: at start, jobs a previous server left
/// running are followed again (or end `interrupted` when their process is
/// lost) and pending ones queue again; at shutdown the server stops
/// following, and the jobs go on.
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

    /// Hands the unfinished jobs to the manager (``TrainingManager/recover(_:)``).
    package func recover() async throws {
        await manager.recover(try await store.unfinished())
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
