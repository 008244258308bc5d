import ServiceLifecycle

/// Ticks the hub's heartbeat: every `interval`, each event stream that is
/// waiting wakes and sends its keep-alive comment. One sleeping task for all
/// the streams of the server, where a timer per subscriber and wait would
/// cost two tasks per delivered event.
package struct EventHubHeartbeat: Service {
    package let hub: EventHub
    package let interval: Duration

    package init(hub: EventHub, interval: Duration = .seconds(15)) {
        self.hub = hub
        self.interval = interval
    }

    package func run() async throws {
        // Shutdown cancels the sleep; that is the normal end, not an error.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                hub.heartbeat()
            }
        }
    }
}
