import Foundation
import GRDB

/// One row of `checkpoint`: an uploaded file, an uploaded Hugging Face
/// directory or a registered endpoint.
package struct CheckpointRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "checkpoint"

    package enum Kind: String, Codable, Sendable { case file, endpoint, hf }

    package var id: Int64?
    package var name: String
    package var kind: Kind
    package var sha256: String?
    /// An `hf` checkpoint's manifest digest (its directory's name).
    package var digest: String?
    package var bytes: Int64?
    package var format: String?
    /// JSON object text: a safetensors file's `__metadata__`, else `{}`.
    package var metadata: String
    package var tensorCount: Int?
    package var parameterCount: Int64?
    /// An endpoint's first replica.
    package var endpointURL: String?
    /// JSON array text of every replica's base URL (nil on rows older than
    /// migration 0013, whose one replica is ``endpointURL``).
    package var endpointURLs: String?
    package var endpointModel: String?
    /// The server environment variable holding an endpoint's key (never the key).
    package var apiKeyEnv: String?
    package var maxConcurrency: Int?
    package var architecture: String?
    package var modelType: String?
    package var dtype: String?
    package var contextLength: Int?
    package var hasChatTemplate: Bool?
    /// JSON array text of engine names, e.g. `["builtin"]`.
    package var runnableBy: String?
    package var message: String?
    /// An endpoint's chat template text, when it was registered with one.
    package var chatTemplate: String?
    /// JSON object text: the special tokens that template sees.
    package var specialTokens: String?
    /// The training job that produced it, if one did.
    package var trainingJobID: Int64?
    package var createdAt: String

    package enum CodingKeys: String, CodingKey {
        case id, name, kind, sha256, digest, bytes, format, metadata, architecture, dtype, message
        case chatTemplate = "chat_template"
        case specialTokens = "special_tokens"
        case tensorCount = "tensor_count"
        case parameterCount = "parameter_count"
        case endpointURL = "endpoint_url"
        case endpointURLs = "endpoint_urls"
        case apiKeyEnv = "api_key_env"
        case endpointModel = "endpoint_model"
        case maxConcurrency = "max_concurrency"
        case modelType = "model_type"
        case contextLength = "context_length"
        case hasChatTemplate = "has_chat_template"
        case runnableBy = "runnable_by"
        case trainingJobID = "training_job_id"
        case createdAt = "created_at"
    }

    package enum Columns {
        package static let id = Column(CodingKeys.id)
        package static let name = Column(CodingKeys.name)
        package static let sha256 = Column(CodingKeys.sha256)
        package static let digest = Column(CodingKeys.digest)
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// An endpoint's replicas: the stored list, else its one URL.
    package var replicaURLs: [String] {
        if let text = endpointURLs, let urls = try? JSONDecoder().decode([String].self, from: Data(text.utf8)), !urls.isEmpty {
            return urls
        }
        return endpointURL.map { [$0] } ?? []
    }
}

/// One row of `checkpoint_name`: a name (primary or alias) and its checkpoint.
package struct CheckpointNameRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "checkpoint_name"

    package var name: String
    package var checkpointID: Int64
    package var createdAt: String

    package enum CodingKeys: String, CodingKey {
        case name
        case checkpointID = "checkpoint_id"
        case createdAt = "created_at"
    }

    package enum Columns {
        package static let name = Column(CodingKeys.name)
        package static let checkpointID = Column(CodingKeys.checkpointID)
    }
}

/// One row of `checkpoint_file`: a file of an `hf` checkpoint.
package struct CheckpointFileRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "checkpoint_file"

    package var checkpointID: Int64
    package var path: String
    package var bytes: Int64
    package var sha256: String

    package enum CodingKeys: String, CodingKey {
        case path, bytes, sha256
        case checkpointID = "checkpoint_id"
    }

    package enum Columns {
        package static let checkpointID = Column(CodingKeys.checkpointID)
        package static let path = Column(CodingKeys.path)
    }
}
