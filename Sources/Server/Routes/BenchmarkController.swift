import Benchmarks
import Foundation
import Hummingbird
import NIOCore
import ServerCore

/// `GET /api/v1/benchmarks` and `PUT /api/v1/datasets/{benchmark}`.
struct BenchmarkController: Sendable {
    let datasets: DatasetStore
    let maxDatasetBytes: Int
    /// The rendered listing, kept until a dataset changes (`dataset_version`
    /// and `active_dataset` bump the generation): the listing is on the
    /// home page's path and read far more often than datasets change.
    let cache: RenderCache<ByteBuffer>
    let generation: DataGeneration

    /// Content types a dataset file may be sent as.
    static let datasetContentTypes = [
        "application/x-ndjson", "application/jsonl", "application/json", "text/plain", "application/octet-stream",
    ]

    /// One entry of the listing; `built_in` marks the synthetic suites,
    /// whose dataset is generated (never uploaded).
    struct BenchmarkView: Encodable {
        var name: String
        var group: String
        var metric: String
        var language: String
        var builtIn: Bool
        var dataset: DatasetView?

        enum CodingKeys: String, CodingKey {
            case name, group, metric, language, dataset
            case builtIn = "built_in"
        }
    }

    func addReadRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("benchmarks", use: list)
    }

    func addWriteRoutes(to group: RouterGroup<AppRequestContext>) {
        group.put("datasets/{benchmark}", use: importDataset)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await cache.value(for: "/api/v1/benchmarks", generation: generation.current) { [datasets] in
            let active = try await datasets.activeVersions()
            let views = BenchmarkDirectory.all.map { spec in
                BenchmarkView(
                    name: spec.name, group: spec.group.rawValue, metric: spec.scoring.rawValue,
                    language: spec.language.rawValue, builtIn: BenchmarkDirectory.isBuiltIn(spec.name),
                    dataset: active[spec.name])
            }
            return try JSONResponse.encode(ListPage("benchmarks", views, next: nil))
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }

    @Sendable func importDataset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = context.parameters.get("benchmark") ?? ""
        guard !BenchmarkDirectory.isBuiltIn(name) else {
            throw APIError.badRequest(
                "built_in_benchmark",
                "\(name) is a built-in suite: the server generates its test split and takes no dataset upload")
        }
        let spec = try BenchmarkCatalog.spec(named: name)
        let contentType = request.headers[.contentType]?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? "application/octet-stream"
        guard Self.datasetContentTypes.contains(contentType) else {
            throw APIError.unsupportedMediaType(
                "send the dataset file as one of: \(Self.datasetContentTypes.joined(separator: ", "))")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxDatasetBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "payload_too_large", "a dataset file may have at most \(maxDatasetBytes) bytes")
        }
        let fileName = request.uri.queryParameters["file"].map(String.init) ?? "\(spec.name) upload"
        let dataset = try DatasetParser.parse(Data(buffer: body), fileName: fileName, spec: spec, source: .imported)
        let result = try await datasets.importDataset(dataset, fileName: fileName)
        return try JSONResponse.make(result.view, status: result.created ? .created : .ok)
    }
}
