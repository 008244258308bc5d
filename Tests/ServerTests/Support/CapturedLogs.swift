import Logging
import Synchronization

/// Every line logged through loggers it makes, rendered with its metadata,
/// so a test can search what the server would have written.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    /// A logger at trace level writing here.
    func logger(label: String = "test") -> Logger {
        var logger = Logger(label: label) { label in Handler(label: label, sink: self) }
        logger.logLevel = .trace
        return logger
    }

    /// The lines so far.
    var all: [String] { lines.withLock { $0 } }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let label: String
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
            let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            sink.append("\(event.level) \(label): \(event.message) \(rendered) \(event.error.map { "\($0)" } ?? "")")
        }
    }
}
