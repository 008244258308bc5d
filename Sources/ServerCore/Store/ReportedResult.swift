import Benchmarks
import Foundation

/// Results published elsewhere (a paper, a model card), as the API shows
/// them: scores are fractions in [0, 1], like measured ones.
package struct ReportedResult: Codable, Sendable, Equatable {
    package struct Score: Codable, Sendable, Equatable {
        package var benchmark: String
        package var passAt1: Double?
        package var passAt5: Double?

        package enum CodingKeys: String, CodingKey {
            case benchmark
            case passAt1 = "pass_at_1"
            case passAt5 = "pass_at_5"
        }

        package init(benchmark: String, passAt1: Double?, passAt5: Double?) {
            self.benchmark = benchmark
            self.passAt1 = passAt1
            self.passAt5 = passAt5
        }

        package init(from decoder: any Decoder) throws {
            try RequestKeys.reject(decoder, allowing: ["benchmark", "pass_at_1", "pass_at_5"], in: "results[]")
            let container = try decoder.container(keyedBy: CodingKeys.self)
            benchmark = try container.decode(String.self, forKey: .benchmark)
            passAt1 = try container.decodeIfPresent(Double.self, forKey: .passAt1)
            passAt5 = try container.decodeIfPresent(Double.self, forKey: .passAt5)
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(benchmark, forKey: .benchmark)
            try container.encode(passAt1, forKey: .passAt1)
            try container.encode(passAt5, forKey: .passAt5)
        }
    }

    package var id: Int64
    package var name: String
    package var sourceURL: String
    package var note: String?
    package var results: [Score]
    package var createdAt: String

    package enum CodingKeys: String, CodingKey {
        case id, name, note, results
        case sourceURL = "source_url"
        case createdAt = "created_at"
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(sourceURL, forKey: .sourceURL)
        try container.encode(note, forKey: .note)
        try container.encode(results, forKey: .results)
        try container.encode(createdAt, forKey: .createdAt)
    }

    /// The scores keyed by benchmark.
    package var scoresByBenchmark: [String: ScorePair] {
        Dictionary(results.map { ($0.benchmark, ScorePair(passAt1: $0.passAt1, passAt5: $0.passAt5)) }) { first, _ in first }
    }
}

/// The body of `POST /api/v1/reported-results`.
package struct ReportedResultRequest: Decodable, Sendable {
    package var name: String
    package var sourceURL: String
    package var note: String?
    package var results: [ReportedResult.Score]

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case name, note, results
        case sourceURL = "source_url"
    }

    package init(from decoder: any Decoder) throws {
        try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "the reported result")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        sourceURL = try container.decode(String.self, forKey: .sourceURL)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        results = try container.decode([ReportedResult.Score].self, forKey: .results)
    }

    /// Checks every field, naming the first problem: a valid name, an
    /// http(s) source, known benchmarks once each, fractions in [0, 1].
    package func validated() throws -> ReportedResultRequest {
        var copy = self
        copy.name = try Name.validate(name)
        copy.sourceURL = try SourceURL.validate(sourceURL)
        if let note {
            let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count <= 500 else { throw CoreError.invalid("invalid_reported_result", "note may have at most 500 characters") }
            copy.note = trimmed.isEmpty ? nil : trimmed
        }
        guard !results.isEmpty else { throw CoreError.invalid("invalid_reported_result", "results must not be empty") }
        var seen = Set<String>()
        for score in results {
            guard BenchmarkCatalog.names.contains(score.benchmark) else {
                throw CoreError.invalid(
                    "unknown_benchmark",
                    "unknown benchmark \"\(score.benchmark)\"; valid names: \(BenchmarkCatalog.names.joined(separator: ", "))")
            }
            guard seen.insert(score.benchmark).inserted else {
                throw CoreError.invalid("invalid_reported_result", "\(score.benchmark) is listed twice")
            }
            guard score.passAt1 != nil || score.passAt5 != nil else {
                throw CoreError.invalid("invalid_reported_result", "\(score.benchmark) needs pass_at_1 or pass_at_5")
            }
            for value in [score.passAt1, score.passAt5].compactMap({ $0 }) where !(0...1).contains(value) || value.isNaN {
                throw CoreError.invalid(
                    "invalid_reported_result",
                    "\(score.benchmark): \(value) is not a fraction in [0, 1] (write 47.6% as 0.476)")
            }
        }
        return copy
    }
}

/// Validation of a source link: an absolute http(s) URL, so a page never
/// renders a `javascript:` or other scheme into an `href`.
package enum SourceURL {
    package static func validate(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count <= 2000, let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else {
            throw CoreError.invalid("invalid_source_url", "source_url must be an http(s) URL of at most 2000 characters")
        }
        return trimmed
    }
}
