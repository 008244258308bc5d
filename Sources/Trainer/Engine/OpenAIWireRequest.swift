import Foundation

/// The fields of an OpenAI-compatible `/v1/completions` or
/// `/v1/chat/completions` request body that the built-in engine honours.
/// Unknown fields are ignored (clients send many), as vLLM does.
struct OpenAIWireRequest: Decodable {
    /// A chat message.
    struct Message: Decodable {
        let role: String
        let content: String
    }

    let prompt: [String]?
    let messages: [Message]?
    let maxTokens: Int?
    let temperature: Double?
    let topP: Double?
    let topK: Int?
    let n: Int?
    let stop: [String]?
    let seed: Int64?
    let stream: Bool?
    let continueFinalMessage: Bool?

    enum CodingKeys: String, CodingKey {
        case prompt, messages, temperature, n, stop, seed, stream
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        case topP = "top_p"
        case topK = "top_k"
        case continueFinalMessage = "continue_final_message"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        prompt = try Self.stringOrList(c, .prompt)
        messages = try c.decodeIfPresent([Message].self, forKey: .messages)
        maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens)
            ?? c.decodeIfPresent(Int.self, forKey: .maxCompletionTokens)
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature)
        topP = try c.decodeIfPresent(Double.self, forKey: .topP)
        topK = try c.decodeIfPresent(Int.self, forKey: .topK)
        n = try c.decodeIfPresent(Int.self, forKey: .n)
        stop = try Self.stringOrList(c, .stop)
        seed = try c.decodeIfPresent(Int64.self, forKey: .seed)
        stream = try c.decodeIfPresent(Bool.self, forKey: .stream)
        continueFinalMessage = try c.decodeIfPresent(Bool.self, forKey: .continueFinalMessage)
    }

    /// A field that may be a string, a list of strings, or null.
    private static func stringOrList(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> [String]? {
        if (try? c.decodeNil(forKey: key)) ?? true { return nil }
        if let text = try? c.decode(String.self, forKey: key) { return [text] }
        return try c.decode([String].self, forKey: key)
    }

    /// The sampling settings shared by every choice, checked like vLLM.
    /// - Parameter defaultMaxTokens: used when the body gives none.
    func sampling(defaultMaxTokens: Int) throws(OpenAIServingError) -> EngineRequest {
        if stream == true { throw .badRequest("streaming is not supported by the built-in engine") }
        let maxTokens = maxTokens ?? defaultMaxTokens
        guard maxTokens >= 1 else { throw .badRequest("max_tokens must be at least 1") }
        let temperature = temperature ?? 1
        guard temperature >= 0, temperature.isFinite else { throw .badRequest("temperature must be >= 0") }
        let topP = topP ?? 1
        guard topP > 0, topP <= 1 else { throw .badRequest("top_p must be in (0, 1]") }
        let topK = topK ?? -1
        guard topK == -1 || topK >= 1 else { throw .badRequest("top_k must be -1 (off) or >= 1") }
        let stop = stop ?? []
        guard !stop.contains("") else { throw .badRequest("stop strings must not be empty") }
        return EngineRequest(
            prompt: [], maxTokens: maxTokens, temperature: Float(temperature), topP: Float(topP),
            topK: max(0, topK), stop: stop, seed: 0)
    }

    /// The choice count, 1...64.
    func choiceCount() throws(OpenAIServingError) -> Int {
        let n = n ?? 1
        guard (1...64).contains(n) else { throw .badRequest("n must be between 1 and 64") }
        return n
    }
}

/// Why a request to the served model failed; `status` is the HTTP status.
public enum OpenAIServingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A malformed or unsupported request (400).
    case badRequest(String)
    /// The engine is shutting down (503).
    case unavailable(String)

    /// The HTTP status code.
    public var status: Int {
        switch self {
        case .badRequest: 400
        case .unavailable: 503
        }
    }

    public var description: String {
        switch self {
        case .badRequest(let message), .unavailable(let message): message
        }
    }

    /// The OpenAI-style error body `{"error":{"message","type","code"}}`.
    public var body: Data {
        let type = status == 400 ? "invalid_request_error" : "service_unavailable"
        let object: [String: Any] = ["error": ["message": description, "type": type, "code": status]]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }
}
