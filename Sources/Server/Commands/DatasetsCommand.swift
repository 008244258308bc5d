import ArgumentParser
import AsyncHTTPClient
import Benchmarks
import Foundation
import ServerCore

/// `aepo datasets import`: replace a benchmark's sample set with a full set.
struct DatasetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets", abstract: "Manage benchmark data.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a benchmark's test.jsonl (or JSON array) through a server or into a data directory.")

        @Argument(help: "The benchmark, e.g. gsm8k.") var benchmark: String
        @Argument(help: "The file: JSONL or a JSON array, as published.") var file: String
        @OptionGroup var target: TargetOptions

        func run() async throws {
            guard !BenchmarkDirectory.isBuiltIn(benchmark) else {
                throw ValidationError("\(benchmark) is a built-in suite: the server generates its test split and takes no dataset")
            }
            let spec = try BenchmarkCatalog.spec(named: benchmark)
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            let fileName = URL(fileURLWithPath: file).lastPathComponent
            if let client = try target.client() {
                var request = HTTPClientRequest(
                    url: client.baseURL + "/api/v1/datasets/\(spec.name)?file=" + APIClient.queryEncode(fileName))
                request.method = .PUT
                request.headers.add(name: "Content-Type", value: "application/x-ndjson")
                client.authorize(&request)
                request.body = .bytes(data)
                let answer = try await client.send(request)
                FileHandle.standardOutput.write(answer)
                print()
            } else {
                let dataset = try DatasetParser.parse(data, fileName: fileName, spec: spec, source: .imported)
                let store = DatasetStore(database: try target.openDatabase())
                let result = try await store.importDataset(dataset, fileName: fileName)
                print("\(result.created ? "imported" : "unchanged") \(spec.name): \(result.view.items) items, sha256 \(result.view.sha256)")
            }
        }
    }
}

/// Where a management command acts: a running server, or a data directory.
struct TargetOptions: ParsableArguments {
    @Option(help: "Server URL; without it the command writes the data directory directly.") var server: String?
    @Option(help: "A write token for --server (default: $AEPO_TOKEN).") var token: String?
    @Option(help: "Data directory (default: $AEPO_DATA_DIR or ./aepo-data).") var dataDir: String?

    func validate() throws {
        if server != nil, dataDir != nil { throw ValidationError("give either --server or --data-dir, not both") }
    }

    /// A client when `--server` is given.
    func client() throws -> APIClient? {
        guard let server else { return nil }
        return try APIClient(server: server, token: token ?? ProcessInfo.processInfo.environment["AEPO_TOKEN"])
    }

    /// The data directory's database, migrated.
    func openDatabase() throws -> AppDatabase {
        let directory = ServerConfig.dataDirectory(flag: dataDir, environment: ProcessInfo.processInfo.environment)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try AppDatabase.open(directory: directory)
    }
}
