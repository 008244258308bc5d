import Foundation

/// A checkpoint as the API shows it.
package struct CheckpointView: Codable, Sendable, Equatable {
    package struct Endpoint: Codable, Sendable, Equatable {
        package var url: String
        package var model: String
        package var maxConcurrency: Int

        package enum CodingKeys: String, CodingKey {
            case url, model
            case maxConcurrency = "max_concurrency"
        }
    }

    package var id: Int64
    package var name: String
    package var kind: CheckpointRecord.Kind
    package var sha256: String?
    package var bytes: Int64?
    package var format: String?
    package var metadata: [String: String]
    package var tensors: Int?
    package var parameters: Int64?
    package var endpoint: Endpoint?
    /// Other names recorded for the same bytes.
    package var aliases: [String]
    package var createdAt: String

    package enum CodingKeys: String, CodingKey {
        case id, name, kind, sha256, bytes, format, metadata, tensors, parameters, endpoint, aliases
        case createdAt = "created_at"
    }

    package init(record: CheckpointRecord, aliases: [String]) {
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
