import Logging
import ServiceLifecycle

/// Polls for writes made by other processes (the CLI with `--data-dir` next
/// to a running server) so cached pages never outlive the data they show by
/// more than `interval`.
package struct ExternalWriteWatcher: Service {
    package let generation: DataGeneration
    package let database: AppDatabase
    package var interval: Duration = .seconds(1)
    package let logger: Logger

    package init(generation: DataGeneration, database: AppDatabase, interval: Duration = .seconds(1), logger: Logger) {
        self.generation = generation
        self.database = database
        self.interval = interval
        self.logger = logger
    }

    package func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await generation.checkForExternalWrites(in: database)
                } catch {
                    logger.warning("could not check for external writes", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
