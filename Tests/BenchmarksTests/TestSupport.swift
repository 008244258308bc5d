import Foundation
import Logging
@testable import Benchmarks

/// Helpers shared by the test suites.
enum TestSupport {
    /// The repository root, computed from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The Python with math-verify: `$AEPO_PYTHON`, else `<repo>/.venv/bin/python`.
    static let python: URL = {
        if let path = ProcessInfo.processInfo.environment["AEPO_PYTHON"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repositoryRoot.appendingPathComponent(".venv/bin/python")
    }()

    /// Whether that Python exists (the worker tests need it).
    static var pythonAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: python.path)
    }

    /// Parses a string as a benchmark file.
    static func parse(
        _ text: String, benchmark: String = "hotpotqa", fileName: String = "test.jsonl"
    ) throws -> Dataset {
        try DatasetParser.parse(
            Data(text.utf8), fileName: fileName, spec: BenchmarkCatalog.spec(named: benchmark))
    }

    /// The error a parse throws, if any.
    static func parseError(_ text: String, benchmark: String = "hotpotqa") -> DatasetError? {
        do {
            _ = try DatasetParser.parse(
                Data(text.utf8), fileName: "test.jsonl",
                spec: BenchmarkCatalog.spec(named: benchmark))
            return nil
        } catch let error as DatasetError {
            return error
        } catch {
            return nil
        }
    }

    /// A logger that only shows critical messages (retries are logged at
    /// info level).
    static let quietLogger: Logger = {
        var logger = Logger(label: "aepo.tests")
        logger.logLevel = .critical
        return logger
    }()

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("aepo-bench-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
