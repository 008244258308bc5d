import ServerCore

/// The model of `/engines`: every engine profile, how it launches, and its
/// replicas' runs (the live ones first) with status, address, times, the
/// engine's version and the last lines of its output.
struct EnginesPage: Sendable {
    struct Run: Sendable {
        var id: Int64
        var checkpoint: Int64
        var checkpointHref: String
        var address: String?
        var status: String
        var gpus: String?
        var version: String?
        var started: String?
        var lastUsed: String?
        var error: String?
        var logTail: String?
        /// The Ray job of a `ray` replica.
        var rayJob: String?
    }

    struct Profile: Sendable {
        var name: String
        var apiHref: String
        var command: String
        var launcher: String
        /// The dashboard of a `ray` profile's cluster.
        var cluster: String?
        var replicas: Int
        var gpusPerReplica: Int
        var idleSeconds: String
        var source: String
        var runs: [Run]
        var hasRuns: Bool
    }

    var profiles: [Profile]
    var isEmpty: Bool
    /// The GPU pool, as `--gpus` gave it.
    var gpus: String

    init(_ views: [EngineController.ProfileView], gpus: [String]) {
        profiles = views.map { view in
            let runs = (view.replicas ?? []).map { run in
                Run(
                    id: run.id, checkpoint: run.checkpoint, checkpointHref: "/checkpoints/\(run.checkpoint)", address: run.address,
                    status: run.status.rawValue, gpus: run.gpus.isEmpty ? nil : run.gpus.joined(separator: ","),
                    version: run.engineVersion, started: Format.time(run.started), lastUsed: run.lastUsed.flatMap(Format.time),
                    error: run.error, logTail: run.logTail.flatMap { $0.isEmpty ? nil : String($0.suffix(4000)) },
                    rayJob: run.raySubmissionID)
            }
            return Profile(
                name: view.profile.name, apiHref: "/api/v1/engines/\(view.profile.name)",
                command: view.profile.command.joined(separator: " "), launcher: view.profile.launcher.rawValue,
                cluster: view.profile.launcher == .ray ? view.profile.ray?.address : nil,
                replicas: view.profile.replicas, gpusPerReplica: view.profile.gpusPerReplica,
                idleSeconds: LineChart.number(exact: view.profile.idleSeconds), source: view.source, runs: runs,
                hasRuns: !runs.isEmpty)
        }
        isEmpty = profiles.isEmpty
        self.gpus = gpus.isEmpty ? "none" : gpus.joined(separator: ",")
    }
}
