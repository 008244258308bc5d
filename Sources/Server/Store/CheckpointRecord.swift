import Foundation
import GRDB

/// One row of `checkpoint`: an uploaded file or a registered endpoint.
struct CheckpointRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "checkpoint"

    enum Kind: String, Codable, Sendable { case file, endpoint }

    var id: Int64?
    var name: String
    var kind: Kind
    var sha256: String?
    var bytes: Int64?
    var format: String?
    /// JSON object text: a safetensors file's `__metadata__`, else `{}`.
    var metadata: String
    var tensorCount: Int?
    var parameterCount: Int64?
    var endpointURL: String?
    var endpointModel: String?
    var maxConcurrency: Int?
    var createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, kind, sha256, bytes, format, metadata
        case tensorCount = "tensor_count"
        case parameterCount = "parameter_count"
        case endpointURL = "endpoint_url"
        case endpointModel = "endpoint_model"
        case maxConcurrency = "max_concurrency"
        case createdAt = "created_at"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let name = Column(CodingKeys.name)
        static let sha256 = Column(CodingKeys.sha256)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One row of `checkpoint_name`: a name (primary or alias) and its checkpoint.
struct CheckpointNameRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "checkpoint_name"

    var name: String
    var checkpointID: Int64
    var createdAt: String

    enum CodingKeys: String, CodingKey {
        case name
        case checkpointID = "checkpoint_id"
        case createdAt = "created_at"
    }

    enum Columns {
        static let name = Column(CodingKeys.name)
        static let checkpointID = Column(CodingKeys.checkpointID)
    }
}
