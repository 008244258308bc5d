import Foundation

/// A checkpoint as the API shows it.
package struct CheckpointView: Codable, Sendable, Equatable {
    package struct Endpoint: Codable, Sendable, Equatable {
        /// The first replica's base URL (what one-replica clients read).
        package var url: String
        /// Every replica's base URL, `url` first.
        package var urls: [String]
        package var model: String
        /// Requests in flight at once on each replica.
        package var maxConcurrency: Int
        /// SHA-256 of the chat template the endpoint was registered with, if any.
        package var chatTemplateSHA256: String?
        /// The server environment variable its key is read from, if it needs one.
        package var apiKeyEnv: String?

        package enum CodingKeys: String, CodingKey {
            case url, urls, model
            case maxConcurrency = "max_concurrency"
            case chatTemplateSHA256 = "chat_template_sha256"
            case apiKeyEnv = "api_key_env"
        }

        /// - Parameter urls: every replica, `url` first; nil: `url` alone.
        package init(
            url: String, urls: [String]? = nil, model: String, maxConcurrency: Int, chatTemplateSHA256: String? = nil,
            apiKeyEnv: String? = nil
        ) {
            self.url = url
            self.urls = urls ?? [url]
            self.model = model
            self.maxConcurrency = maxConcurrency
            self.chatTemplateSHA256 = chatTemplateSHA256
            self.apiKeyEnv = apiKeyEnv
        }

        /// Requests in flight at once over all replicas.
        package var totalConcurrency: Int { urls.count * maxConcurrency }
    }

    package var id: Int64
    package var name: String
    package var kind: CheckpointRecord.Kind
    package var sha256: String?
    /// `hf`: SHA-256 of the canonical manifest of ``files``.
    package var digest: String?
    /// Bytes of the file, or of all the files of an `hf` directory.
    package var bytes: Int64?
    package var format: String?
    package var metadata: [String: String]
    package var tensors: Int?
    package var parameters: Int64?
    package var endpoint: Endpoint?
    /// `hf`: every file, sorted by path.
    package var files: [DirectoryManifest.File]?
    /// `hf`: the first of `config.json`'s `architectures`.
    package var architecture: String?
    /// `hf`: `config.json`'s `model_type`.
    package var modelType: String?
    /// `hf`: the dtype holding most parameters (`bfloat16`, ...).
    package var dtype: String?
    /// `hf`: the longest sequence the config allows.
    package var contextLength: Int?
    /// `hf`: whether the checkpoint ships a chat template.
    package var hasChatTemplate: Bool?
    /// `hf`: the engines that can run it (`["builtin"]`, or none).
    package var runnableBy: [String]?
    /// `hf`: why no engine runs it, when none does.
    package var message: String?
    /// Other names recorded for the same bytes.
    package var aliases: [String]
    /// The training job that produced it (its origin), if one did.
    package var trainingJobID: Int64?
    package var createdAt: String

    package enum CodingKeys: String, CodingKey {
        case id, name, kind, sha256, digest, bytes, format, metadata, tensors, parameters, endpoint, files
        case architecture, dtype, message, aliases
        case modelType = "model_type"
        case contextLength = "context_length"
        case hasChatTemplate = "has_chat_template"
        case runnableBy = "runnable_by"
        case trainingJobID = "training_job_id"
        case createdAt = "created_at"
    }

    /// - Parameters:
    ///   - record: the row.
    ///   - aliases: every name of the checkpoint (its own is left out).
    ///   - files: an `hf` checkpoint's files.
    package init(record: CheckpointRecord, aliases: [String], files: [DirectoryManifest.File]? = nil) {
        self.id = record.id ?? 0
        self.name = record.name
        self.kind = record.kind
        self.sha256 = record.sha256
        self.bytes = record.bytes
        self.format = record.format
        self.metadata = (try? JSONDecoder().decode([String: String].self, from: Data(record.metadata.utf8))) ?? [:]
        self.tensors = record.tensorCount
        self.parameters = record.parameterCount
        if let url = record.endpointURL, let model = record.endpointModel {
            self.endpoint = Endpoint(
                url: url, urls: record.replicaURLs, model: model, maxConcurrency: record.maxConcurrency ?? 16,
                chatTemplateSHA256: record.chatTemplate.map(EndpointChatTemplate.sha256(of:)), apiKeyEnv: record.apiKeyEnv)
            self.hasChatTemplate = record.chatTemplate != nil
        }
        if record.kind == .hf {
            self.digest = record.digest
            self.files = files ?? []
            self.architecture = record.architecture
            self.modelType = record.modelType
            self.dtype = record.dtype
            self.contextLength = record.contextLength
            self.hasChatTemplate = record.hasChatTemplate
            self.runnableBy = record.runnableBy.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
            self.message = record.message
        }
        self.aliases = aliases.filter { $0 != record.name }.sorted()
        self.trainingJobID = record.trainingJobID
        self.createdAt = record.createdAt
    }
}
