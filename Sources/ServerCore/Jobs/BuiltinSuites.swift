import Benchmarks
import Trainer

/// The built-in synthetic suites as the server lists and evaluates them
/// (BENCHMARKS.md, "Built-in synthetic suites"): generated from the default
/// data seed, each suite's test split is its dataset (source `sample`,
/// pinned by the SHA-256 of its JSONL like any other dataset), and
/// synth-hop's knowledge base is what its samples search.
///
/// The items are exactly those `aepo train --eval-samples` evaluates
/// (`SynthSuite(task:).dataset(.test)`): the test split and the corpus do not
/// depend on the size of the training split, so only one training item is
/// generated here.
package struct BuiltinSuites: Sendable {
    /// The seed and test size the suites were generated with.
    package let config: SynthSuiteConfig
    /// The suites by task.
    package let suites: [SynthTask: SynthSuite]

    /// The specs of the suites, in listing order.
    package static var specs: [BenchmarkSpec] { SynthTask.allCases.map(\.spec) }

    /// Generates every suite with `config`'s seed and test size.
    /// - Parameter config: the suite configuration (its training size is ignored).
    /// - Throws: `SynthTaskError.invalidConfig` for an out-of-range test size.
    package init(config: SynthSuiteConfig = SynthSuiteConfig()) throws(SynthTaskError) {
        let small = SynthSuiteConfig(dataSeed: config.dataSeed, trainItems: 1, testItems: config.testItems)
        var suites: [SynthTask: SynthSuite] = [:]
        for task in SynthTask.allCases { suites[task] = try SynthSuite(task: task, config: small) }
        self.config = config
        self.suites = suites
    }

    /// The published suites (default seed and sizes), generated on first use
    /// and shared by the whole process.
    /// - Throws: `SynthTaskError` (not expected: the defaults are valid).
    package static func published() throws(SynthTaskError) -> BuiltinSuites {
        try publishedSuites.get()
    }

    private static let publishedSuites = Result { () throws(SynthTaskError) -> BuiltinSuites in try BuiltinSuites() }

    /// The suite named `name` (`synth-arith`, `synth-hop`), if it is one.
    package func suite(named name: String) -> SynthSuite? {
        SynthTask(rawValue: name).flatMap { suites[$0] }
    }

    /// The test split of every suite as a benchmark dataset, in listing order.
    /// - Throws: `DatasetError` (not expected: the files are generated).
    package func datasets() throws(DatasetError) -> [Dataset] {
        var datasets: [Dataset] = []
        for task in SynthTask.allCases {
            guard let suite = suites[task] else { continue }
            datasets.append(try suite.dataset(.test))
        }
        return datasets
    }

    /// The file name recorded with a suite's dataset version.
    package func fileName(of benchmark: String) -> String {
        "\(benchmark) test split (generated, data_seed \(config.dataSeed))"
    }
}
