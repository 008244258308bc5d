import Logging
import ServiceLifecycle

/// The engine replicas as a lifecycle service: every second it stops the
/// replicas idle for longer than their profile allows; on graceful
/// shutdown (SIGTERM) it stops them all, so no replica outlives the server.
/// (Orphans of a killed server are stopped earlier, before evaluations resume.)
package struct EngineService: Service {
    package let manager: EngineManager
    package let interval: Duration

    package init(manager: EngineManager, interval: Duration = .seconds(1)) {
        self.manager = manager
        self.interval = interval
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { break }
                await manager.stopIdle()
            }
        }
        await manager.shutdown()
    }
}
