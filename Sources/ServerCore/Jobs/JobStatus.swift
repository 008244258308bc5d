/// The life of a job (evaluation or training): `pending` -> `running` ->
/// `finished` | `failed` | `cancelled`, and for a training job
/// `interrupted`: its process was lost across a server restart (gone
/// without a record of how it ended).
package enum JobStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, finished, failed, cancelled, interrupted

    /// Whether the job will not change any more by itself.
    package var isTerminal: Bool {
        switch self {
        case .finished, .failed, .cancelled, .interrupted: true
        case .pending, .running: false
        }
    }
}
