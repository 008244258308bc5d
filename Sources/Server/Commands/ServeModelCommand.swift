import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import Trainer
import ServerCore

/// `aepo serve-model CKPT --port P`: serve an aepo-gpt checkpoint over an
/// OpenAI-compatible API (`POST /v1/completions`, `POST /v1/chat/completions`,
/// `GET /v1/models`, `GET /health`) with the built-in engine, so other
/// harnesses can evaluate our checkpoints. See `OpenAIServing` for the fields
/// honoured; concurrent requests are batched together.
struct ServeModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-model", abstract: "Serve a checkpoint over an OpenAI-compatible API.")

    @Argument(help: "The aepo-gpt checkpoint (.safetensors).") var checkpoint: String
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8000
    @Option(help: "Model name reported by the API (default: the file name without extension).") var name: String?
    @Option(help: "Most sequences decoded together.") var maxBatch = 16
    @Option(help: "OpenBLAS threads (default: OpenBLAS's own choice).") var threads: Int?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"

    func validate() throws {
        guard (1...1024).contains(maxBatch) else { throw ValidationError("--max-batch must be in 1...1024") }
        if let threads, threads < 1 { throw ValidationError("--threads must be >= 1") }
    }

    func run() async throws {
        if let threads { BLAS.threads = threads }
        let url = URL(fileURLWithPath: checkpoint)
        let loaded: LoadedCheckpoint
        do { loaded = try Checkpoint.load(from: url) } catch {
            throw ValidationError("\(checkpoint): \(error)")
        }
        let modelName = name ?? url.deletingPathExtension().lastPathComponent
        let engine = InferenceEngine(
            model: loaded.model, tokenizer: loaded.tokenizer, options: .init(maxBatchSize: maxBatch))
        defer { engine.shutdown() }
        let serving = OpenAIServing(engine: engine, modelName: modelName)
        let metadata = loaded.metadata
        var logger = Logger(label: "aepo.serve-model")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let app = Application(
            router: Self.router(serving),
            configuration: .init(address: .hostname(host, port: port), serverName: "aepo-serve-model"),
            onServerRunning: { [host] channel in
                let bound = channel.localAddress?.port ?? 0
                let banner = "serving \(modelName) (\(metadata.algorithm), \(metadata.task), "
                    + "step \(metadata.step)) on http://\(host):\(bound)/v1\n"
                FileHandle.standardOutput.write(Data(banner.utf8))
            },
            logger: logger)
        try await app.runService()
    }

    /// The routes; request bodies are limited to 4 MiB.
    static func router(_ serving: OpenAIServing) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("health") { _, _ in HTTPResponse.Status.ok }
        router.get("v1/models") { _, _ in json(serving.models) }
        router.post("v1/completions") { request, _ in
            await handle(request) { (body: Data) async throws(OpenAIServingError) -> Data in
                try await serving.completions(body)
            }
        }
        router.post("v1/chat/completions") { request, _ in
            await handle(request) { (body: Data) async throws(OpenAIServingError) -> Data in
                try await serving.chatCompletions(body)
            }
        }
        return router
    }

    /// Collects the body, runs `operation`, and maps its errors to OpenAI-style JSON answers.
    private static func handle(
        _ request: Request, _ operation: (Data) async throws(OpenAIServingError) -> Data
    ) async -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: 4 << 20)
        } catch {
            return json(OpenAIServingError.badRequest("the body must be at most 4 MiB").body, status: .contentTooLarge)
        }
        do {
            return json(try await operation(Data(buffer: body)))
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
