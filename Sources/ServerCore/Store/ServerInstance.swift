import Foundation
import GRDB

/// The database's own random id (`server_instance`, 8 hex digits).
package enum ServerInstance {
    /// The id, the same for every start of the server on this database.
    package static func id(_ database: AppDatabase) async throws -> String {
        try await database.writer.read { db in try String.fetchOne(db, sql: "SELECT id FROM server_instance") } ?? "00000000"
    }

    /// The Ray submission id of training job `job`.
    package static func trainingSubmissionID(instance: String, job: Int64) -> String { "aepo-\(instance)-job-\(job)" }

    /// The Ray submission id of engine replica `replica`.
    package static func replicaSubmissionID(instance: String, replica: Int64) -> String { "aepo-\(instance)-replica-\(replica)" }
}
