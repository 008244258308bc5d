import Benchmarks
import Foundation
import Trainer

/// The benchmark `aepo rollout` asks, set up as an evaluation of it would
/// be: its items (the data directory's active dataset, else the shipped
/// sample set; a built-in suite's generated test split) and its tools
/// (`AgentExecutorFactory.toolBox`: a suite's own knowledge base, else the
/// data directory's local corpus; python in the server's sandbox).
package struct RolloutBenchmark: Sendable {
    /// The benchmark.
    package let spec: BenchmarkSpec
    /// Its items, in dataset order.
    package let items: [DatasetItem]
    /// Where the items come from, for the command's output.
    package let source: String
    /// The tools of its samples.
    package let tools: ToolBox

    /// Sets up benchmark `name`.
    /// - Parameters:
    ///   - name: a benchmark of `BenchmarkDirectory`.
    ///   - dataDirectory: a server's data directory (its datasets and search
    ///     corpus); nil: the shipped sample sets, and no search tool for the adapters.
    ///   - topK: search hits per query.
    ///   - pythonTimeoutSeconds: wall-clock limit of one python call.
    /// - Throws: `CatalogError` for an unknown name (listing the valid
    ///   ones), `RolloutError` for a directory without a database, or the
    ///   store's and dataset's errors.
    package static func load(
        name: String, dataDirectory: URL?, topK: Int, pythonTimeoutSeconds: Double
    ) async throws -> RolloutBenchmark {
        let spec = try BenchmarkDirectory.spec(named: name)
        let database = try dataDirectory.map(open)
        let suites = try BuiltinSuites.published()
        let items: [DatasetItem], source: String
        if let suite = suites.suite(named: name) {
            items = try suite.dataset(.test).items
            source = suites.fileName(of: name)
        } else if let database, let active = try await DatasetStore(database: database).activeVersions()[name] {
            items = try await DatasetStore(database: database).items(benchmark: name, sha256: active.sha256)
            source = "\(active.fileName ?? name) (sha256 \(active.sha256.prefix(12)))"
        } else {
            items = try SampleDatasets.load(spec).items
            source = "\(name).jsonl (sample)"
        }
        var config = ServerConfig()
        if let dataDirectory { config.dataDirectory = dataDirectory }
        let python = TimedPython(runner: AgentExecutorFactory.sandbox(for: config), timeoutSeconds: pythonTimeoutSeconds)
        let tools = AgentExecutorFactory.toolBox(for: name, suites: suites, python: python, topK: topK) {
            () -> (any SearchBackend)? in database.map { LocalCorpusSearch(corpus: CorpusStore(database: $0)) }
        }
        return RolloutBenchmark(spec: spec, items: items, source: source, tools: tools)
    }

    /// The database of an existing data directory (migrated, as the server opens it).
    private static func open(_ directory: URL) throws(RolloutError) -> AppDatabase {
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("aepo.sqlite").path) else {
            throw .dataDirectory(path: directory.path, reason: "no aepo.sqlite (start `aepo serve --data-dir` on it once)")
        }
        do {
            return try AppDatabase.open(directory: directory)
        } catch {
            throw .dataDirectory(path: directory.path, reason: "\(error)")
        }
    }
}
