import Logging
import ServiceLifecycle

/// Polls for writes made by other processes (the CLI with `--data-dir` next
/// to a running server) so cached pages never outlive the data they show by
/// more than `interval`.
struct ExternalWriteWatcher: Service {
    let generation: DataGeneration
    let database: AppDatabase
    var interval: Duration = .seconds(1)
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try generation.checkForExternalWrites(in: database)
                } catch {
                    logger.warning("could not check for external writes", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
