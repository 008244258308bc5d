import Benchmarks
import Foundation
import Hummingbird
import Jinja
import ServerCore

/// `/api/v1/checkpoints`: streamed uploads, endpoint registration, listing.
struct CheckpointController: Sendable {
    let store: CheckpointStore
    let config: ServerConfig
    let metrics: ServerMetrics

    /// Body of `POST /api/v1/checkpoints` registering a served model.
    struct EndpointRegistration: Decodable {
        struct Endpoint: Decodable {
            /// One replica's base URL (or `urls`, not both).
            var url: String?
            /// Every replica's base URL.
            var urls: [String]?
            var model: String
            /// The server environment variable holding the endpoint's key.
            var apiKeyEnv: String?
            var maxConcurrency: Int?
            /// The model's chat template text.
            var chatTemplate: String?
            /// The model's `tokenizer_config.json` (its template and special tokens).
            var tokenizerConfig: JSONValue?

            enum CodingKeys: String, CodingKey, CaseIterable {
                case url, urls, model
                case apiKeyEnv = "api_key_env"
                case maxConcurrency = "max_concurrency"
                case chatTemplate = "chat_template"
                case tokenizerConfig = "tokenizer_config"
            }

            init(from decoder: any Decoder) throws {
                try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "endpoint")
                let container = try decoder.container(keyedBy: CodingKeys.self)
                url = try container.decodeIfPresent(String.self, forKey: .url)
                urls = try container.decodeIfPresent([String].self, forKey: .urls)
                model = try container.decode(String.self, forKey: .model)
                apiKeyEnv = try container.decodeIfPresent(String.self, forKey: .apiKeyEnv)
                maxConcurrency = try container.decodeIfPresent(Int.self, forKey: .maxConcurrency)
                chatTemplate = try container.decodeIfPresent(String.self, forKey: .chatTemplate)
                tokenizerConfig = try container.decodeIfPresent(JSONValue.self, forKey: .tokenizerConfig)
            }

            /// The template to store, parsed to check it: from `chat_template`
            /// or from `tokenizer_config` (not both).
            func template() throws -> EndpointChatTemplate? {
                let loaded: ChatTemplate
                do {
                    switch (chatTemplate, tokenizerConfig) {
                    case (nil, nil):
                        return nil
                    case (let source?, nil):
                        loaded = try ChatTemplate(source: source)
                    case (nil, let config?):
                        guard case .object = config else {
                            throw APIError.badRequest("invalid_endpoint", "endpoint.tokenizer_config must be a JSON object")
                        }
                        let text = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
                        loaded = try ChatTemplate.load(tokenizerConfig: text)
                    case (_?, _?):
                        throw APIError.badRequest(
                            "invalid_endpoint", "give endpoint.chat_template or endpoint.tokenizer_config, not both")
                    }
                } catch let error as ChatTemplateError {
                    throw APIError.badRequest("invalid_chat_template", "endpoint chat template: \(error.message)")
                }
                return EndpointChatTemplate(source: loaded.source, specialTokens: loaded.specialTokens)
            }
        }

        var name: String
        var endpoint: Endpoint

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, endpoint
        }

        init(from decoder: any Decoder) throws {
            try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "the checkpoint")
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            endpoint = try container.decode(Endpoint.self, forKey: .endpoint)
        }
    }

    func addReadRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("checkpoints", use: list)
        group.get("checkpoints/{id}", use: show)
    }

    func addWriteRoutes(to group: RouterGroup<AppRequestContext>) {
        group.put("checkpoints", use: upload)
        group.post("checkpoints", use: create)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let limit = try Query.integer(request, "limit", default: 100, range: 1...1000)
        let cursor = try Query.optionalInteger(request, "cursor")
        let page = try await store.list(limit: limit, before: cursor.map(Int64.init))
        return try JSONResponse.make(ListPage("checkpoints", page.checkpoints, next: page.next))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try Query.pathID(context, "id")
        return try await JSONResponse.make(try store.checkpoint(id: id))
    }

    /// POST: raw bytes when `?name=` is given, else a JSON endpoint registration.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        if request.uri.queryParameters["name"] != nil {
            return try await upload(request, context: context)
        }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            throw APIError.unsupportedMediaType(
                "POST /api/v1/checkpoints takes JSON {\"name\",\"endpoint\":{\"url\" or \"urls\",\"model\"}}, "
                    + "or raw bytes with ?name=NAME")
        }
        let body = try await request.decodeJSON(EndpointRegistration.self, limit: config.maxJSONBytes)
        let name = try Name.validate(body.name)
        let urls = try EndpointURL.validateReplicas(url: body.endpoint.url, urls: body.endpoint.urls)
        let apiKeyEnv = try body.endpoint.apiKeyEnv.map {
            try KeyVariable.validate($0, field: "endpoint.api_key_env", code: "invalid_endpoint")
        }
        let model = body.endpoint.model.trimmingCharacters(in: .whitespaces)
        guard !model.isEmpty, model.count <= 500 else {
            throw APIError.badRequest("invalid_endpoint", "endpoint.model must be 1-500 characters")
        }
        let concurrency = body.endpoint.maxConcurrency ?? 16
        guard (1...4096).contains(concurrency) else {
            throw APIError.badRequest("invalid_endpoint", "endpoint.max_concurrency must be between 1 and 4096")
        }
        let registration = try await store.registerEndpoint(
            name: name, urls: urls, model: model, maxConcurrency: concurrency, chatTemplate: try body.endpoint.template(),
            apiKeyEnv: apiKeyEnv)
        return try JSONResponse.make(registration.checkpoint, status: registration.created ? .created : .ok)
    }

    /// Streams the body to a temp file while hashing it, then registers it;
    /// a tar body (`Content-Type: application/x-tar`) is a Hugging Face
    /// directory, extracted as it arrives (``uploadDirectory(_:name:declared:)``).
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try Name.validate(request.uri.queryParameters["name"].map(String.init))
        let declared = request.headers[.contentLength].flatMap(Int64.init)
        if let declared, declared > config.maxUploadBytes {
            throw APIError.payloadTooLarge(limit: config.maxUploadBytes)
        }
        if Self.isTar(request.headers[.contentType]) {
            return try await uploadDirectory(request, name: name, declared: declared)
        }
        let sink = try UploadSink(directory: config.temporaryDirectory)
        do {
            try await receive(
                request.body, into: sink, declared: declared, ifEmpty: "the upload is empty: a checkpoint needs at least one byte")
            let sha256 = try sink.finish()
            let format = try SafetensorsInspector.inspect(fileAt: sink.temporaryURL)
            let registration = try await store.registerFile(
                name: name, sha256: sha256, bytes: sink.byteCount, format: format, temporaryFile: sink.temporaryURL)
            metrics.recordUpload(result: registration.created ? "created" : "existing", bytes: sink.byteCount)
            return try JSONResponse.make(registration.checkpoint, status: registration.created ? .created : .ok)
        } catch {
            sink.discard()
            metrics.recordUpload(result: "failed", bytes: sink.byteCount)
            throw error
        }
    }
}

extension CheckpointController {
    /// Streams `body` into `sink`: at most `--max-upload` bytes (413), all
    /// the bytes Content-Length announced (400 when cut short), at least one.
    func receive(_ body: RequestBody, into sink: some ByteSink, declared: Int64?, ifEmpty: String) async throws {
        for try await buffer in body {
            guard sink.byteCount + Int64(buffer.readableBytes) <= config.maxUploadBytes else {
                throw APIError.payloadTooLarge(limit: config.maxUploadBytes)
            }
            try buffer.withUnsafeReadableBytes { try sink.append($0) }
        }
        if let declared, declared != sink.byteCount {
            throw APIError.badRequest(
                "truncated_body", "received \(sink.byteCount) of the \(declared) bytes announced by Content-Length")
        }
        guard sink.byteCount > 0 else { throw APIError.badRequest("empty_body", ifEmpty) }
    }
}
