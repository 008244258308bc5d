import Benchmarks
import Foundation
import GRDB

/// What an engine replica is doing.
package enum ReplicaStatus: String, Codable, Sendable {
    case starting, ready, failed, stopped

    /// Whether its process may still run.
    package var isLive: Bool { self == .starting || self == .ready }
}

/// One run of an engine replica as the API and the page show it.
package struct EngineReplicaView: Codable, Sendable, Equatable {
    package var id: Int64
    package var profile: String
    package var checkpoint: Int64
    package var address: String?
    package var status: ReplicaStatus
    package var command: [String]
    package var gpus: [String]
    package var pid: Int32?
    package var engineVersion: String?
    package var started: String
    package var ready: String?
    package var lastUsed: String?
    package var stopped: String?
    package var error: String?
    package var logTail: String?
    package var launcher: String
    /// The Ray job of a `ray` replica.
    package var raySubmissionID: String?

    package enum CodingKeys: String, CodingKey {
        case id, profile, checkpoint, address, status, command, gpus, pid, started, ready, stopped, error, launcher
        case raySubmissionID = "ray_submission_id"
        case engineVersion = "engine_version"
        case lastUsed = "last_used"
        case logTail = "log_tail"
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(profile, forKey: .profile)
        try container.encode(checkpoint, forKey: .checkpoint)
        try container.encode(address, forKey: .address)
        try container.encode(status, forKey: .status)
        try container.encode(command, forKey: .command)
        try container.encode(gpus, forKey: .gpus)
        try container.encode(pid, forKey: .pid)
        try container.encode(engineVersion, forKey: .engineVersion)
        try container.encode(started, forKey: .started)
        try container.encode(ready, forKey: .ready)
        try container.encode(lastUsed, forKey: .lastUsed)
        try container.encode(stopped, forKey: .stopped)
        try container.encode(error, forKey: .error)
        try container.encode(logTail, forKey: .logTail)
        try container.encode(launcher, forKey: .launcher)
        try container.encode(raySubmissionID, forKey: .raySubmissionID)
    }
}

/// The `engine_replica` rows: every run of a replica, with the process
/// identity a restarted server needs to stop what a killed one left.
package struct EngineReplicaStore: Sendable {
    package let database: AppDatabase

    package init(database: AppDatabase) {
        self.database = database
    }

    /// Records a replica about to be spawned; returns its id.
    package func insert(profile: EngineProfile, checkpoint: Int64, command: [String], address: String?, gpus: [String]) async throws -> Int64 {
        let commandJSON = String(decoding: try JSONEncoder().encode(command), as: UTF8.self)
        let profileJSON = profile.json()
        return try await database.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO engine_replica (profile, profile_json, checkpoint_id, command, address, gpus, status, started_at,
                        launcher, ray_address)
                    VALUES (?, ?, ?, ?, ?, ?, 'starting', ?, ?, ?)
                    """,
                arguments: [profile.name, profileJSON, checkpoint, commandJSON, address, gpus.joined(separator: ","), Timestamp.now(),
                            profile.launcher.rawValue, profile.launcher == .ray ? profile.ray?.address : nil])
            return db.lastInsertedRowID
        }
    }

    /// Records the Ray job of replica `id` (before it is submitted).
    package func setRayJob(_ id: Int64, submissionID: String) async throws {
        try await database.writer.write { db in
            try db.execute(sql: "UPDATE engine_replica SET ray_submission_id = ? WHERE id = ?", arguments: [submissionID, id])
        }
    }

    /// Records where a replica listens once it is known (a Ray replica's node and port).
    package func setAddress(_ id: Int64, _ address: String) async throws {
        try await database.writer.write { db in
            try db.execute(sql: "UPDATE engine_replica SET address = ? WHERE id = ?", arguments: [address, id])
        }
    }

    /// Records the spawned process (pid, start time, boot id; pid = process group).
    package func setProcess(_ id: Int64, _ identity: ProcessIdentity?, pid: Int32) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: "UPDATE engine_replica SET pid = ?, pid_start_time = ?, boot_id = ?, pgid = ? WHERE id = ?",
                arguments: [pid, identity.map { Int64(bitPattern: $0.startTime) }, identity?.bootID, pid, id])
        }
    }

    /// Moves a replica to `status`; the times and the tail go with it.
    package func update(
        _ id: Int64, status: ReplicaStatus, error: String? = nil, logTail: String? = nil, engineVersion: String? = nil
    ) async throws {
        let now = Timestamp.now()
        try await database.writer.write { db in
            try db.execute(
                sql: """
                    UPDATE engine_replica SET status = ?, error = COALESCE(?, error), log_tail = COALESCE(?, log_tail),
                        engine_version = COALESCE(?, engine_version),
                        ready_at = CASE WHEN ? = 'ready' THEN ? ELSE ready_at END,
                        stopped_at = CASE WHEN ? IN ('failed', 'stopped') THEN ? ELSE stopped_at END
                    WHERE id = ?
                    """,
                arguments: [status.rawValue, error, logTail, engineVersion, status.rawValue, now, status.rawValue, now, id])
        }
    }

    /// Records when replicas were last used (written when they stop and now and then, not on every call).
    package func touch(_ uses: [Int64: String]) async throws {
        guard !uses.isEmpty else { return }
        try await database.writer.write { db in
            for (id, time) in uses {
                try db.execute(sql: "UPDATE engine_replica SET last_used_at = ? WHERE id = ?", arguments: [time, id])
            }
        }
    }

    /// Where a replica a previous run of the server left may still run.
    package enum Remnant: Sendable, Equatable {
        /// A local process group (nil: its process was never recorded).
        case local(ProcessIdentity?)
        /// A Ray job (nil submission id: it was never submitted).
        case ray(address: String?, submissionID: String?)
    }

    /// The replicas a previous run of the server left starting or ready.
    package func live() async throws -> [(id: Int64, remnant: Remnant)] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, pid, pid_start_time, boot_id, launcher, ray_address, ray_submission_id
                    FROM engine_replica WHERE status IN ('starting', 'ready')
                    """
            ).map { row in
                if row["launcher"] == "ray" {
                    return (row["id"], .ray(address: row["ray_address"], submissionID: row["ray_submission_id"]))
                }
                var identity: ProcessIdentity?
                if let pid: Int32 = row["pid"], let start: Int64 = row["pid_start_time"], let boot: String = row["boot_id"] {
                    identity = ProcessIdentity(pid: pid, startTime: UInt64(bitPattern: start), bootID: boot)
                }
                return (row["id"], .local(identity))
            }
        }
    }

    /// The replicas of `profile`: the live ones and the most recent others, newest first.
    package func replicas(profile: String, limit: Int = 20) async throws -> [EngineReplicaView] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM engine_replica WHERE profile = ?
                    ORDER BY status IN ('starting', 'ready') DESC, id DESC LIMIT ?
                    """,
                arguments: [profile, limit]
            ).map(Self.view(from:))
        }
    }

    /// One replica.
    package func replica(_ id: Int64) async throws -> EngineReplicaView? {
        try await database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM engine_replica WHERE id = ?", arguments: [id]).map(Self.view(from:))
        }
    }

    private static func view(from row: Row) -> EngineReplicaView {
        let command = (row["command"] as String?).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
        let gpus = (row["gpus"] as String?).map { $0.split(separator: ",").map(String.init) } ?? []
        return EngineReplicaView(
            id: row["id"], profile: row["profile"], checkpoint: row["checkpoint_id"], address: row["address"],
            status: ReplicaStatus(rawValue: row["status"]) ?? .failed, command: command, gpus: gpus, pid: row["pid"],
            engineVersion: row["engine_version"], started: row["started_at"], ready: row["ready_at"],
            lastUsed: row["last_used_at"], stopped: row["stopped_at"], error: row["error"], logTail: row["log_tail"],
            launcher: row["launcher"] ?? "local", raySubmissionID: row["ray_submission_id"])
    }
}
