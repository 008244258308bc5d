import Foundation

/// Runs blocking work (reading a checkpoint's files, mapping a model) on a
/// thread of its own, so the cooperative pool's few threads keep serving
/// requests meanwhile.
package enum BlockingWork {
    /// `body`'s result, computed on a new thread.
    package static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = "aepo-blocking"
            thread.start()
        }
    }
}
