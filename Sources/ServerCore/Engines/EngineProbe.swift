import Benchmarks
import Foundation

/// What a started engine tells about itself, read once it is healthy.
enum EngineProbe {
    /// `GET /version` → `{"version": "0.8.5"}` (vLLM, SGLang, `aepo serve-model`); nil when absent.
    static func version(base: String) async -> String? {
        struct Answer: Decodable { var version: String }
        guard let data = try? await client.getJSON(from: base + "/version"),
            let answer = try? JSONDecoder().decode(Answer.self, from: data)
        else { return nil }
        return String(answer.version.prefix(200))
    }

    /// The first model id of `GET /v1/models`, for a command that does not
    /// name the served model (`{model}`).
    static func firstModel(base: String) async -> String? {
        struct Models: Decodable {
            struct Entry: Decodable { var id: String }
            var data: [Entry]
        }
        guard let data = try? await client.getJSON(from: base + "/v1/models"),
            let models = try? JSONDecoder().decode(Models.self, from: data)
        else { return nil }
        return models.data.first?.id
    }

    private static var client: RetryingHTTPClient { RetryingHTTPClient(retry: .none, requestTimeout: .seconds(5)) }
}
