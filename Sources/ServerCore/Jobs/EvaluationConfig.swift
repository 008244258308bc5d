import Benchmarks
import Crypto
import Foundation

/// How an evaluation searches: the local FTS5 corpus (default), an HTTP
/// retriever, or a web search API whose key the server reads from
/// `AEPO_WEB_SEARCH_KEY` (keys never enter a stored configuration).
package struct SearchSettings: Codable, Sendable, Hashable {
    package enum Backend: String, Codable, Sendable, Hashable { case local, http, web }

    package var backend: Backend = .local
    package var url: String?
    package var topK: Int = 5

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case backend, url
        case topK = "top_k"
    }

    package init(backend: Backend = .local, url: String? = nil, topK: Int = 5) {
        self.backend = backend
        self.url = url
        self.topK = topK
    }

    package init(from decoder: any Decoder) throws {
        try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "search")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        backend = try container.decodeIfPresent(Backend.self, forKey: .backend) ?? .local
        url = try container.decodeIfPresent(String.self, forKey: .url)
        topK = try container.decodeIfPresent(Int.self, forKey: .topK) ?? 5
    }
}

/// An LLM judge on an OpenAI-compatible chat endpoint.
package struct JudgeSettings: Codable, Sendable, Hashable {
    package var url: String
    package var model: String

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case url, model
    }

    package init(url: String, model: String) {
        self.url = url
        self.model = model
    }

    package init(from decoder: any Decoder) throws {
        try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "judge")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        model = try container.decode(String.self, forKey: .model)
    }
}

/// The configuration that identifies an evaluation once defaults are filled
/// in and the datasets are pinned: same checkpoint + same configuration is
/// the same evaluation. Concurrency is not part of it (it changes no result).
package struct EvaluationConfig: Codable, Sendable, Hashable {
    package var benchmarks: [String]
    package var samples: Int
    package var limit: Int?
    package var seed: Int
    package var sampling: SamplingParameters
    package var limits: AgentLimits
    package var promptTemplate: PromptTemplate
    package var search: SearchSettings
    package var judge: JudgeSettings?
    /// benchmark -> SHA-256 of the dataset version used.
    package var datasets: [String: String]

    package enum CodingKeys: String, CodingKey {
        case benchmarks, samples, limit, seed, sampling, limits, search, judge, datasets
        case promptTemplate = "prompt_template"
    }

    /// Canonical JSON (sorted keys, explicit nulls) and its SHA-256.
    package func canonical() throws -> (json: String, sha256: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return (String(decoding: data, as: UTF8.self), hash)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(benchmarks, forKey: .benchmarks)
        try container.encode(samples, forKey: .samples)
        try container.encode(limit, forKey: .limit)
        try container.encode(seed, forKey: .seed)
        try container.encode(sampling, forKey: .sampling)
        try container.encode(limits, forKey: .limits)
        try container.encode(promptTemplate, forKey: .promptTemplate)
        try container.encode(search, forKey: .search)
        try container.encode(judge, forKey: .judge)
        try container.encode(datasets, forKey: .datasets)
    }
}

/// Refusing unknown fields in request bodies, naming them.
package enum RequestKeys {
    package static func reject(_ decoder: any Decoder, allowing allowed: [String], in object: String) throws {
        let unknown = try AnyCodingKey.unknownKeys(in: decoder, known: allowed)
        guard unknown.isEmpty else {
            throw CoreError.invalid(
                "unknown_field",
                "unknown field\(unknown.count > 1 ? "s" : "") in \(object): \(unknown.joined(separator: ", ")); "
                    + "valid: \(allowed.sorted().joined(separator: ", "))")
        }
    }
}
