import Foundation

/// Group commit of finished samples: at most one write transaction is in
/// flight; samples that finish meanwhile wait and go together in the next
/// one, written by the first of them (which then hands the lead on). An
/// evaluation at a hundred samples a second thus costs a few transactions
/// a second instead of a hundred (each a WAL append and two thread hops),
/// and a lone sample is written at once, with no timer.
///
/// Each caller returns once its own sample is committed, or throws its own
/// error: a batch that fails is written again row by row, so one bad row
/// fails only its sample.
package actor SampleBatcher<Row: Sendable> {
    private enum Signal: Sendable {
        case written
        case lead
    }

    private let write: @Sendable ([Row]) async throws -> Void
    private var queued: [(id: UInt64, row: Row)] = []
    private var waiters: [UInt64: CheckedContinuation<Signal, any Error>] = [:]
    private var writing = false
    private var nextID: UInt64 = 0

    /// - Parameter write: writes rows in one transaction, in order.
    package init(write: @escaping @Sendable ([Row]) async throws -> Void) {
        self.write = write
    }

    /// Returns once `row` is committed.
    package func insert(_ row: Row) async throws {
        nextID += 1
        let id = nextID
        if writing {
            let signal = try await withCheckedThrowingContinuation { continuation in
                queued.append((id, row))
                waiters[id] = continuation
            }
            if case .written = signal { return }
        } else {
            writing = true
            queued.append((id, row))
        }
        // The lead: everything queued so far, this row included.
        let batch = queued
        queued = []
        defer { handOff() }
        do {
            try await write(batch.map(\.row))
        } catch where batch.count > 1 {
            var own: (any Error)?
            for entry in batch {
                do {
                    try await write([entry.row])
                    if entry.id != id { waiters.removeValue(forKey: entry.id)?.resume(returning: .written) }
                } catch {
                    if entry.id == id { own = error } else { waiters.removeValue(forKey: entry.id)?.resume(throwing: error) }
                }
            }
            if let own { throw own }
            return
        }
        for entry in batch where entry.id != id { waiters.removeValue(forKey: entry.id)?.resume(returning: .written) }
    }

    /// The first waiting row's caller writes the next batch; none: idle.
    private func handOff() {
        if let next = queued.first, let waiter = waiters.removeValue(forKey: next.id) {
            waiter.resume(returning: .lead)
        } else {
            writing = false
        }
    }
}
