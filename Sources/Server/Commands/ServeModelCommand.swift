import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import Trainer
import ServerCore

/// `aepo serve-model CKPT --port P`: serve a checkpoint over vLLM's
/// OpenAI-compatible API (`POST /v1/completions`, `POST /v1/chat/completions`,
/// `POST /tokenize`, `POST /detokenize`, `GET /v1/models`, `GET /health`,
/// `GET /version`)
/// with the built-in engine, so other harnesses can evaluate it. CKPT is a
/// Hugging Face model directory (Llama, Qwen2, Qwen3, Mistral; chat with its
/// own template, sampling defaults from its `generation_config.json`) or an
/// aepo-gpt `.safetensors` file. See `OpenAIServing` for the fields
/// honoured; concurrent requests are batched together. `stream: true` is
/// answered with server-sent events (`ServeModelCommand+Streaming`).
struct ServeModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-model", abstract: "Serve a checkpoint over an OpenAI-compatible API.")

    @Argument(help: "A Hugging Face model directory, or an aepo-gpt checkpoint (.safetensors).") var checkpoint: String
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8000
    @Option(help: "Model name reported by the API (default: the directory or file name).") var name: String?
    @Option(help: "Most sequences decoded together.") var maxBatch = 16
    @Option(help: "Compute threads (default: the cores available).") var threads: Int?
    @Option(help: "Most tokens per sequence, below the model's own context (as vLLM's --max-model-len).")
    var maxModelLen: Int?
    @Option(help: "f32 (default) or bf16: bf16 products for bf16 weights (AVX512 BF16; as PyTorch runs a bf16 model).")
    var activations: ActivationPrecision = .f32
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"

    func validate() throws {
        guard (1...1024).contains(maxBatch) else { throw ValidationError("--max-batch must be in 1...1024") }
        if let threads, threads < 1 { throw ValidationError("--threads must be >= 1") }
        if let maxModelLen, maxModelLen < 2 { throw ValidationError("--max-model-len must be >= 2") }
        if activations == .bf16, !ActivationPrecision.bf16Available {
            throw ValidationError("--activations bf16: this CPU has no AVX512 BF16")
        }
    }

    func run() async throws {
        let url = URL(fileURLWithPath: checkpoint)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ValidationError("\(checkpoint): no such file or directory")
        }
        let options = InferenceEngine.Options(maxBatchSize: maxBatch)
        let serving: OpenAIServing
        let description: String
        if isDirectory.boolValue {
            let loaded: HFServedCheckpoint
            do {
                loaded = try HFServedCheckpoint(
                    directory: url, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
                    maxContextLength: maxModelLen)
            } catch {
                throw ValidationError("\(checkpoint): \(error)")
            }
            loaded.model.activations = activations
            let config = loaded.model.config
            description = "\(config.architecture), \(config.modelType), context \(loaded.model.contextLength)"
                + (loaded.chatTemplate == nil ? ", no chat template: /v1/chat/completions refuses requests" : "")
            let engine = InferenceEngine(model: loaded.model, tokenizer: loaded.tokenizer, options: options)
            serving = OpenAIServing(
                engine: engine, modelName: name ?? url.lastPathComponent, chat: loaded.chatFormat,
                generationDefaults: loaded.generationDefaults)
        } else {
            if let threads { BLAS.threads = threads }
            let loaded: LoadedCheckpoint
            do { loaded = try Checkpoint.load(from: url) } catch {
                throw ValidationError("\(checkpoint): \(error)")
            }
            let metadata = loaded.metadata
            description = "\(metadata.algorithm), \(metadata.task), step \(metadata.step)"
            let engine = InferenceEngine(model: loaded.model, tokenizer: loaded.tokenizer, options: options)
            serving = OpenAIServing(engine: engine, modelName: name ?? url.deletingPathExtension().lastPathComponent)
        }
        defer { serving.engine.shutdown() }
        var logger = Logger(label: "aepo.serve-model")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let modelName = serving.modelName
        let app = Application(
            router: Self.router(serving),
            configuration: .init(address: .hostname(host, port: port), serverName: "aepo-serve-model"),
            onServerRunning: { [host] channel in
                let bound = channel.localAddress?.port ?? 0
                let banner = "serving \(modelName) (\(description)) on http://\(host):\(bound)/v1\n"
                FileHandle.standardOutput.write(Data(banner.utf8))
            },
            logger: logger)
        try await app.runService()
    }

    /// The routes; request bodies are limited to 4 MiB.
    static func router(_ serving: OpenAIServing) -> Router<ServeModelRequestContext> {
        let router = Router(context: ServeModelRequestContext.self)
        router.get("health") { _, _ in HTTPResponse.Status.ok }
        // As vLLM's: what an engine profile records about each replica it starts.
        router.get("version") { _, _ in
            json(Data(#"{"version":"aepo \#(AepoVersion.current)"}"#.utf8))
        }
        router.get("v1/models") { _, _ in json(serving.models) }
        router.post("v1/completions") { request, context in
            await handle(request, context) { (body: Data) async throws(OpenAIServingError) -> OpenAIAnswer in
                try await serving.completions(body)
            }
        }
        router.post("v1/chat/completions") { request, context in
            await handle(request, context) { (body: Data) async throws(OpenAIServingError) -> OpenAIAnswer in
                try await serving.chatCompletions(body)
            }
        }
        router.post("tokenize") { request, context in
            await handle(request, context) { (body: Data) async throws(OpenAIServingError) -> OpenAIAnswer in
                .json(try serving.tokenize(body))
            }
        }
        router.post("detokenize") { request, context in
            await handle(request, context) { (body: Data) async throws(OpenAIServingError) -> OpenAIAnswer in
                .json(try serving.detokenize(body))
            }
        }
        return router
    }

    /// Collects the body, runs `operation`, and maps its errors to OpenAI-style
    /// JSON answers: a stream starts only after `operation` accepted the request.
    private static func handle(
        _ request: Request, _ context: ServeModelRequestContext,
        _ operation: (Data) async throws(OpenAIServingError) -> OpenAIAnswer
    ) async -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: 4 << 20)
        } catch {
            return json(OpenAIServingError.badRequest("the body must be at most 4 MiB").body, status: .contentTooLarge)
        }
        do {
            switch try await operation(Data(buffer: body)) {
            case .json(let data): return json(data)
            case .events(let stream): return eventStream(stream, connectionClosed: context.connectionClosed)
            }
        } catch {
            return json(error.body, status: .init(code: error.status))
        }
    }

    private static func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
