import Foundation
import Hummingbird
import NIOCore
import ServerCore

/// `/api/v1/prompts`: named system prompts an evaluation may use
/// (`"prompt":"name"`). Reads are public; storing one needs an admin token.
struct PromptController: Sendable {
    let store: PromptStore
    let maxJSONBytes: Int

    /// A JSON body: both texts.
    struct Body: Decodable {
        var system: String
        var systemZh: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case system
            case systemZh = "system_zh"
        }

        init(from decoder: any Decoder) throws {
            try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "the prompt")
            let container = try decoder.container(keyedBy: CodingKeys.self)
            system = try container.decode(String.self, forKey: .system)
            systemZh = try container.decodeIfPresent(String.self, forKey: .systemZh)
        }
    }

    func addReadRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("prompts", use: list)
        group.get("prompts/{name}", use: show)
    }

    func addAdminRoutes(to group: RouterGroup<AppRequestContext>) {
        group.put("prompts/{name}", use: put)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await JSONResponse.make(ListPage("prompts", try store.list(), next: nil))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.name(context)
        guard let prompt = try await store.prompt(named: name) else { throw APIError.notFound("no prompt named \"\(name)\"") }
        return try JSONResponse.make(prompt)
    }

    /// The body is the system prompt as text, or JSON `{"system","system_zh"}`.
    @Sendable func put(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Self.name(context)
        let contentType = request.headers[.contentType]?.lowercased() ?? "text/plain"
        let body: Body
        if contentType.hasPrefix("application/json") {
            body = try await request.decodeJSON(Body.self, limit: maxJSONBytes)
        } else {
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: maxJSONBytes)
            } catch is NIOTooManyBytesError {
                throw APIError(.contentTooLarge, "payload_too_large", "a prompt may have at most \(maxJSONBytes) bytes")
            }
            guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
                throw APIError.badRequest("invalid_prompt", "the prompt is not UTF-8 text")
            }
            body = Body(system: text, systemZh: nil)
        }
        guard !body.system.isEmpty else { throw APIError.badRequest("invalid_prompt", "the prompt must not be empty") }
        let stored = try await store.put(name: name, system: body.system, systemZh: body.systemZh)
        return try JSONResponse.make(stored.prompt, status: stored.created ? .created : .ok)
    }

    private static func name(_ context: AppRequestContext) throws -> String {
        let raw = try context.parameters.require("name")
        let decoded = raw.removingPercentEncoding ?? raw
        do {
            return try Name.validate(decoded)
        } catch {
            throw APIError.badRequest("invalid_name", error.description)
        }
    }
}

extension PromptController.Body {
    init(system: String, systemZh: String?) {
        self.system = system
        self.systemZh = systemZh
    }
}
