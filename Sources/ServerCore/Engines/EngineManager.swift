import Benchmarks
import Foundation
import Logging

/// A ready replica handed to one model call.
package struct ReplicaHandle: Sendable {
    package let id: Int64
    package let endpoint: OpenAIEndpoint
    /// The replica's own limiter (`max_concurrency`), shared by every evaluation using it.
    package let limiter: ConcurrencyLimiter
    /// Its engine: a call in flight is abandoned as soon as it ends.
    package let run: any ReplicaRun
}

/// Why an engine replica could not be started; carries its last output.
package struct EngineStartError: Error, Sendable, Equatable, CustomStringConvertible {
    package var profile: String
    package var reason: String
    package var logTail: String

    package var description: String {
        "engine \"\(profile)\": a replica could not start: \(reason)"
            + (logTail.isEmpty ? " (it wrote nothing)" : "; its last output:\n\(logTail)")
    }
}

/// The launchers of engine profiles: replicas as child process groups on
/// this machine (`local`) or as jobs on a Ray cluster (`ray`), one set per
/// (profile, checkpoint), shared by every evaluation of that checkpoint
/// with that profile.
///
/// Replicas are started on first use (``prepare(_:checkpoint:directory:)``),
/// handed to model calls least-loaded first (``checkout(_:)`` /
/// ``checkin(_:)``), replaced when one dies, and stopped after
/// `idle_seconds` without a call (``stopIdle()``) or when the server stops
/// (``shutdown()``). Every run is a row of `engine_replica`, with the
/// process identity or Ray submission id a restarted server uses to stop
/// what a killed one left (``recoverOrphans()``).
package actor EngineManager {
    /// A replica set: one profile serving one checkpoint.
    package struct GroupKey: Hashable, Sendable {
        package var profile: String
        package var checkpoint: Int64
    }

    struct Group {
        var profile: EngineProfile
        var directory: URL
        /// The served model name (`{model}`).
        var model: String
        var replicaIDs: [Int64] = []
        /// Replicas being spawned (between the row insert and the spawn).
        var pending = 0
        /// The start failure that fails calls until the next `prepare`.
        var failure: EngineStartError?
        /// Start-ups in a row that lost their port to another process.
        var portCollisions = 0
    }

    /// What runs a replica.
    enum Runner: Sendable {
        case local(ChildProcess)
        case ray(RayReplicaJob)

        var run: any ReplicaRun {
            switch self {
            case .local(let child): child
            case .ray(let job): job
            }
        }
    }

    struct Replica {
        let id: Int64
        let key: GroupKey
        let runner: Runner
        let log: LogTail
        var endpoint: OpenAIEndpoint
        let limiter: ConcurrencyLimiter
        let gpus: [String]
        var status: ReplicaStatus = .starting
        var inFlight = 0
        var lastUsed = ContinuousClock.now
        var lastUsedWall: String?
        var stopping = false
    }

    let store: EngineReplicaStore
    package nonisolated let profiles: EngineProfileStore
    let logger: Logger
    let host = "127.0.0.1"
    /// Between SIGTERM and SIGKILL when a replica is stopped.
    let stopGrace: Duration
    /// The environment replicas start from (secrets removed, the profile's `env` on top).
    let baseEnvironment: [String: String]
    /// This database's id, in every Ray submission id.
    let instance: String
    /// `<data-dir>/checkpoints`, mapped to a Ray profile's `checkpoints_path`.
    let checkpointsDirectory: String?
    var pool: GPUPool
    var groups: [GroupKey: Group] = [:]
    var replicas: [Int64: Replica] = [:]
    /// Each replica's supervisor (log reader, health, exit).
    var tasks: [Int64: Task<Void, Never>] = [:]
    var accepting = true

    /// - Parameters:
    ///   - gpus: the pool handed out through `CUDA_VISIBLE_DEVICES`.
    ///   - environment: the server's environment; secrets are removed before a replica sees it.
    ///   - instance: the database's id (``ServerInstance``), part of Ray submission ids.
    ///   - checkpointsDirectory: where `hf` checkpoints live, for Ray's `checkpoints_path`.
    package init(
        store: EngineReplicaStore, profiles: EngineProfileStore, gpus: [String], logger: Logger,
        stopGrace: Duration = .seconds(10), environment: [String: String] = ProcessInfo.processInfo.environment,
        instance: String, checkpointsDirectory: URL? = nil
    ) {
        self.instance = instance
        self.checkpointsDirectory = checkpointsDirectory?.standardizedFileURL.path
        self.store = store
        self.profiles = profiles
        self.pool = GPUPool(gpus)
        self.logger = logger
        self.stopGrace = stopGrace
        self.baseEnvironment = environment
    }

    /// The GPU ids the server was given.
    package var gpus: [String] { pool.all }

    /// Why `profile` can never run on this server (not enough GPUs), or nil.
    package func refusal(for profile: EngineProfile) -> String? { pool.refusal(for: profile) }

    /// Starts the replicas of `profile` for `checkpoint` unless they run,
    /// and waits until each is healthy.
    /// - Throws: ``EngineStartError`` (with the replica's log tail) when one
    ///   cannot start; `CoreError` when the GPUs do not suffice.
    package func prepare(_ profile: EngineProfile, checkpoint: Int64, directory: URL) async throws -> GroupKey {
        if let refusal = pool.refusal(for: profile) { throw CoreError.invalid("insufficient_gpus", refusal) }
        let key = GroupKey(profile: profile.name, checkpoint: checkpoint)
        if var group = groups[key] {
            group.failure = nil
            // A changed profile applies once the old replicas are gone.
            if liveReplicas(of: group).isEmpty, group.pending == 0 { group.profile = profile }
            groups[key] = group
        } else {
            groups[key] = Group(profile: profile, directory: directory, model: "aepo-checkpoint-\(checkpoint)")
        }
        while true {
            try checkAccepting()
            guard let group = groups[key] else { throw CancellationError() }
            if let failure = group.failure { throw failure }
            let live = liveReplicas(of: group)
            if live.count >= group.profile.replicas, live.allSatisfy({ $0.status == .ready }) { return key }
            try await fill(key)
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// A ready replica of `key` for one call, the least loaded; starts
    /// replacements for replicas that died or were stopped while idle.
    /// Call ``checkin(_:)`` when the call is over.
    package func checkout(_ key: GroupKey) async throws -> ReplicaHandle {
        while true {
            try checkAccepting()
            guard let group = groups[key] else { throw CoreError.misconfigured("engine_gone", "engine \"\(key.profile)\" was not prepared") }
            if let failure = group.failure { throw failure }
            let ready = liveReplicas(of: group).filter { $0.status == .ready }
            if let id = ReplicaBalancer.pick(ready.map { (id: $0.id, inFlight: $0.inFlight) }), var replica = replicas[id] {
                replica.inFlight += 1
                replica.lastUsed = .now
                replicas[id] = replica
                return ReplicaHandle(id: id, endpoint: replica.endpoint, limiter: replica.limiter, run: replica.runner.run)
            }
            try await fill(key)
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Ends a call on replica `id`.
    package func checkin(_ id: Int64) {
        guard var replica = replicas[id] else { return }
        replica.inFlight = max(0, replica.inFlight - 1)
        replica.lastUsed = .now
        replica.lastUsedWall = Timestamp.now()
        replicas[id] = replica
    }

    /// The endpoints of the ready replicas of `key`.
    package func endpoints(_ key: GroupKey) -> [OpenAIEndpoint] {
        guard let group = groups[key] else { return [] }
        return liveReplicas(of: group).filter { $0.status == .ready }.map(\.endpoint)
    }

    /// Whether a replica of `profile` is starting or ready.
    package func hasLiveReplicas(profile: String) -> Bool {
        replicas.values.contains { $0.key.profile == profile && $0.status.isLive }
    }

    /// The current output of the live replicas, by replica id (the rows hold it once they stop).
    package func liveLogTails() -> [Int64: String] {
        replicas.mapValues { $0.log.text }
    }

    func liveReplicas(of group: Group) -> [Replica] {
        group.replicaIDs.compactMap { replicas[$0] }.filter { $0.status.isLive && !$0.stopping }
    }

    func checkAccepting() throws {
        guard accepting else { throw CancellationError() }
    }
}

/// How a call picks among ready replicas: the one with the fewest calls in
/// flight, the lowest id on a tie. Kept apart so it can give way to the
/// least-loaded multi-replica endpoints of `Benchmarks/Models`.
enum ReplicaBalancer {
    static func pick(_ candidates: [(id: Int64, inFlight: Int)]) -> Int64? {
        candidates.min { ($0.inFlight, $0.id) < ($1.inFlight, $1.id) }?.id
    }
}
