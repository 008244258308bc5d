/// What `withDeadline` produced.
enum DeadlineOutcome<Value: Sendable>: Sendable {
    /// The operation finished in time.
    case finished(Value)
    /// The deadline passed first; the operation was cancelled.
    case expired
}

/// Runs `operation`, cancelling it when `deadline` passes first.
/// - Parameters:
///   - deadline: the instant after which the operation is abandoned.
///   - operation: a cancellable operation.
/// - Returns: the value, or `.expired`.
/// - Throws: what `operation` throws, or `CancellationError` when the
///   calling task is cancelled.
func withDeadline<Value: Sendable>(
    _ deadline: ContinuousClock.Instant,
    operation: @escaping @Sendable () async throws -> Value
) async throws -> DeadlineOutcome<Value> {
    try await withThrowingTaskGroup(of: DeadlineOutcome<Value>.self) { group in
        group.addTask { .finished(try await operation()) }
        group.addTask {
            try await Task.sleep(until: deadline, clock: .continuous)
            return .expired
        }
        defer { group.cancelAll() }
        return try await group.next() ?? .expired
    }
}
