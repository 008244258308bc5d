import Benchmarks
import Logging

/// The model of an evaluation on an engine profile: each call goes to the
/// least-loaded ready replica of its set. A call whose replica dies under
/// it is abandoned at once and made again on another (or a replacement),
/// so the sample goes on and is stored once; the seed makes the repeated
/// call the same request.
package struct EngineReplicaSetModel: CompletionModel {
    package let manager: EngineManager
    package let key: EngineManager.GroupKey
    /// The client of one replica: completions, or chat for `prompt_template` `server`.
    package let makeClient: @Sendable (OpenAIEndpoint, ConcurrencyLimiter) -> any CompletionModel
    package let logger: Logger
    /// Replicas a single call may outlive before it fails.
    package var maxReplacements = 3

    package init(
        manager: EngineManager, key: EngineManager.GroupKey, logger: Logger,
        makeClient: @escaping @Sendable (OpenAIEndpoint, ConcurrencyLimiter) -> any CompletionModel
    ) {
        self.manager = manager
        self.key = key
        self.logger = logger
        self.makeClient = makeClient
    }

    /// What became of a call on one replica.
    private enum Attempt: Sendable {
        case completed(Completion)
        case failed(any Error)
        case replicaDied
    }

    package func complete(_ request: CompletionRequest) async throws -> Completion {
        var replaced = 0
        while true {
            let replica = try await manager.checkout(key)
            let attempt = await call(request, on: replica)
            await manager.checkin(replica.id)
            if Task.isCancelled { throw CancellationError() }
            switch attempt {
            case .completed(let completion):
                return completion
            case .failed(let error):
                // A connection refused or reset may come just before the exit is seen.
                guard await replica.run.ended(within: .seconds(1)), replaced < maxReplacements else { throw error }
            case .replicaDied:
                guard replaced < maxReplacements else {
                    throw CoreError.invalid("engine_unstable", "engine \"\(key.profile)\": \(replaced + 1) replicas died during one call")
                }
            }
            replaced += 1
            logger.info("engine replica died during a call; retrying on another", metadata: ["engine.replica": "\(replica.id)"])
        }
    }

    /// Runs the call, abandoning it if the replica's process exits first.
    private func call(_ request: CompletionRequest, on replica: ReplicaHandle) async -> Attempt {
        let client = makeClient(replica.endpoint, replica.limiter)
        return await withTaskGroup(of: Attempt?.self) { group in
            group.addTask {
                do { return .completed(try await client.complete(request)) } catch { return .failed(error) }
            }
            group.addTask {
                // nil when cancelled: the call finished first.
                await replica.run.waitEndedUnlessCancelled() ? .replicaDied : nil
            }
            var result: Attempt = .replicaDied
            while let next = await group.next() {
                guard let next else { continue }
                result = next
                break
            }
            group.cancelAll()
            return result
        }
    }
}
