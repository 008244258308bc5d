import Foundation

/// The project-authored sample sets shipped with the library, one per
/// adapter (`Samples/<name>.jsonl`): original questions in the field layout
/// of each benchmark's published file, every item marked `"source": "sample"`.
public enum SampleDatasets {
    /// Loads and parses the sample set of a benchmark.
    /// - Parameter spec: the benchmark.
    /// - Returns: the dataset, with `source == .sample`.
    /// - Throws: `SampleDatasetError.missing` when the bundle has no sample
    ///   file for the benchmark, `.unreadable` when it cannot be read, and
    ///   `.invalid` when it does not parse.
    public static func load(_ spec: BenchmarkSpec) throws(SampleDatasetError) -> Dataset {
        let fileName = "\(spec.name).jsonl"
        guard
            let url = Bundle.module.url(
                forResource: spec.name, withExtension: "jsonl", subdirectory: "Samples")
        else { throw .missing(benchmark: spec.name) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(benchmark: spec.name, reason: error.localizedDescription)
        }
        do {
            return try DatasetParser.parse(data, fileName: fileName, spec: spec, source: .sample)
        } catch {
            throw .invalid(error)
        }
    }
}

/// Why a shipped sample set could not be loaded.
public enum SampleDatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bundle has no `Samples/<benchmark>.jsonl`.
    case missing(benchmark: String)
    /// The file exists but could not be read.
    case unreadable(benchmark: String, reason: String)
    /// The file does not parse.
    case invalid(DatasetError)

    public var description: String {
        switch self {
        case .missing(let name): return "no sample set for \"\(name)\" in the Benchmarks bundle"
        case .unreadable(let name, let reason): return "sample set \"\(name)\" unreadable: \(reason)"
        case .invalid(let error): return "sample set invalid: \(error)"
        }
    }
}
