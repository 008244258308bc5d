import Foundation
import Prometheus
import ServerCore

/// The Prometheus registry behind `GET /metrics`: request counts and
/// durations per route, and upload volume. One per application, no globals.
struct ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    private static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30),
        .seconds(120),
    ]

    /// Counts one finished request and records how long it took.
    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(
            descriptor: .init(namespace: "aepo", metricName: "http_requests", unitName: "total",
                              helpText: "HTTP requests by method, route and status"),
            labels: labels
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "aepo", metricName: "http_request_duration", unitName: "seconds",
                              helpText: "HTTP request durations"),
            labels: [("method", method), ("route", route)],
            buckets: Self.durationBuckets
        ).record(duration)
    }

    /// Counts a finished upload by outcome and its bytes.
    func recordUpload(result: String, bytes: Int64) {
        registry.makeCounter(
            descriptor: .init(namespace: "aepo", metricName: "uploads", unitName: "total",
                              helpText: "Checkpoint uploads by result"),
            labels: [("result", result)]
        ).increment()
        registry.makeCounter(
            descriptor: .init(namespace: "aepo", metricName: "upload_bytes", unitName: "total",
                              helpText: "Bytes received by checkpoint uploads"),
            labels: [("result", result)]
        ).increment(by: bytes)
    }

    /// The exposition text.
    func render() -> String { registry.emitToString() }
}
