import ServiceLifecycle

/// Ticks the hub's heartbeat: every `interval`, each waiting event stream
/// wakes and, with nothing new, sends its heartbeat comment. One sleeping
/// task for every stream of the server.
package struct EventHubHeartbeat: Service {
    package let hub: EventHub
    package let interval: Duration

    package init(hub: EventHub, interval: Duration = .seconds(15)) {
        self.hub = hub
        self.interval = interval
    }

    package func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                hub.heartbeat()
            }
        }
    }
}
