import Foundation
import NIOHTTP1

/// The context length an OpenAI-compatible server reports for its model:
/// `GET {base}/models` answers `{"data":[{"id","max_model_len",…}]}` on
/// vLLM, SGLang and `aepo serve-model` (plain OpenAI servers leave the
/// field out).
public enum ModelContext {
    /// The `max_model_len` of `model` in a `/models` answer: the entry whose
    /// `id` is the model, else the only entry. Pure.
    /// - Returns: nil when the answer is not such a list or has no length.
    public static func contextLength(in answer: Data, model: String) -> Int? {
        struct Models: Decodable {
            struct Entry: Decodable {
                let id: String?
                let maxModelLen: Int?

                enum CodingKeys: String, CodingKey {
                    case id
                    case maxModelLen = "max_model_len"
                }
            }

            let data: [Entry]
        }
        guard let models = try? JSONDecoder().decode(Models.self, from: answer) else { return nil }
        let entry = models.data.first { $0.id == model } ?? (models.data.count == 1 ? models.data.first : nil)
        guard let length = entry?.maxModelLen, length > 0 else { return nil }
        return length
    }

    /// Asks `endpoint` for its model's context length: one attempt of at
    /// most 15 s per replica, all replicas at once, no concurrency permit
    /// held (the answer is optional; a server that is down is the
    /// evaluation's failure policy's business). Replicas may have been
    /// started with different `--max-model-len`: the smallest holds for all.
    /// - Returns: the smallest length reported, or nil when no replica says
    ///   (the loop then runs without clamping, as before).
    public static func fetch(_ endpoint: OpenAIEndpoint) async -> Int? {
        var headers: [(String, String)] = []
        if let key = endpoint.apiKey, !key.isEmpty { headers.append(("Authorization", "Bearer \(key)")) }
        // With several replicas, one that is down must not hold the others' answer for the connect timeout.
        let http = endpoint.baseURLs.count > 1 ? RetryingHTTPClient.failFastClient : RetryingHTTPClient.defaultClient
        let client = RetryingHTTPClient(client: http, retry: .none, requestTimeout: .seconds(15), headers: .init(headers))
        return await withTaskGroup(of: Int?.self) { group in
            for base in endpoint.baseURLs {
                group.addTask {
                    guard let answer = try? await client.getJSON(from: OpenAIEndpoint.join(base, "models")) else { return nil }
                    return contextLength(in: answer, model: endpoint.model)
                }
            }
            var smallest: Int?
            for await length in group {
                if let length { smallest = min(smallest ?? length, length) }
            }
            return smallest
        }
    }
}
