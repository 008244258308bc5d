/// The life of a job (evaluation or training): `pending` -> `running` ->
/// `finished` | `failed` | `cancelled`.
package enum JobStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, finished, failed, cancelled

    /// Whether the job will not change any more by itself.
    package var isTerminal: Bool {
        switch self {
        case .finished, .failed, .cancelled: true
        case .pending, .running: false
        }
    }
}
