import Foundation

/// A checkpoint as the API shows it.
struct CheckpointView: Codable, Sendable, Equatable {
    struct Endpoint: Codable, Sendable, Equatable {
        var url: String
        var model: String
        var maxConcurrency: Int

        enum CodingKeys: String, CodingKey {
            case url, model
            case maxConcurrency = "max_concurrency"
        }
    }

    var id: Int64
    var name: String
    var kind: CheckpointRecord.Kind
    var sha256: String?
    var bytes: Int64?
    var format: String?
    var metadata: [String: String]
    var tensors: Int?
    var parameters: Int64?
    var endpoint: Endpoint?
    /// Other names recorded for the same bytes.
    var aliases: [String]
    var createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, kind, sha256, bytes, format, metadata, tensors, parameters, endpoint, aliases
        case createdAt = "created_at"
    }

    init(record: CheckpointRecord, aliases: [String]) {
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
            self.endpoint = Endpoint(url: url, model: model, maxConcurrency: record.maxConcurrency ?? 16)
        }
        self.aliases = aliases.filter { $0 != record.name }.sorted()
        self.createdAt = record.createdAt
    }
}
