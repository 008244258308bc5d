import Benchmarks
import Foundation

/// Sizes and seed of a synthetic suite. JSON keys `data_seed`,
/// `train_items`, `test_items`; unknown keys are refused.
public struct SynthSuiteConfig: Codable, Sendable, Equatable {
    /// Seed of the items (and of the hop knowledge base). The published
    /// built-in suites use the default.  Default 0.
    public var dataSeed: UInt64
    /// Training items (synth-hop: at most the distinct questions of its training world).  Default 20000.
    public var trainItems: Int
    /// Test items.  Default 100.
    public var testItems: Int

    /// Creates a configuration.
    public init(dataSeed: UInt64 = 0, trainItems: Int = 20_000, testItems: Int = 100) {
        self.dataSeed = dataSeed
        self.trainItems = trainItems
        self.testItems = testItems
    }

    /// Checks the sizes.
    public func validate() throws(SynthTaskError) {
        guard (1...1_000_000).contains(trainItems) else { throw .invalidConfig("train_items must be in 1...1000000") }
        guard (1...10_000).contains(testItems) else { throw .invalidConfig("test_items must be in 1...10000") }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dataSeed = "data_seed"
        case trainItems = "train_items"
        case testItems = "test_items"
    }

    /// Decodes, rejecting unknown keys and invalid values.
    public init(from decoder: any Decoder) throws {
        try ConfigError.rejectUnknownKeys(in: decoder, valid: CodingKeys.allCases.map(\.rawValue), type: "task config")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SynthSuiteConfig()
        self.init(
            dataSeed: try c.decodeIfPresent(UInt64.self, forKey: .dataSeed) ?? d.dataSeed,
            trainItems: try c.decodeIfPresent(Int.self, forKey: .trainItems) ?? d.trainItems,
            testItems: try c.decodeIfPresent(Int.self, forKey: .testItems) ?? d.testItems)
        try validate()
    }
}

/// A generated synthetic suite: disjoint train and test splits with expert
/// solutions, and for synth-hop the knowledge-base corpus. Everything is a
/// pure function of (task, config).
public struct SynthSuite: Sendable {
    /// Which split of the suite.
    public enum Split: String, Sendable, CaseIterable {
        case train, test
    }

    /// The task family.
    public let task: SynthTask
    /// Sizes and seed.
    public let config: SynthSuiteConfig
    /// Training items with their expert solutions.
    public let train: [SynthExample]
    /// Test items with their expert solutions.
    public let test: [SynthExample]
    /// The search index over the corpus (synth-hop: one document per fact
    /// of both worlds; synth-arith: empty).
    public let searchIndex: InMemoryBM25

    /// Generates a suite.
    /// - Throws: `SynthTaskError.invalidConfig` for out-of-range sizes.
    public init(task: SynthTask, config: SynthSuiteConfig = SynthSuiteConfig()) throws(SynthTaskError) {
        try config.validate()
        self.task = task
        self.config = config
        switch task {
        case .arith:
            (train, test) = ArithTask.generate(
                seed: config.dataSeed, trainCount: config.trainItems, testCount: config.testItems)
            searchIndex = InMemoryBM25(documents: [])
        case .hop:
            (train, test) = HopTask.generate(
                seed: config.dataSeed, trainCount: config.trainItems, testCount: config.testItems)
            searchIndex = InMemoryBM25(documents: HopTask.corpus(seed: config.dataSeed))
        }
    }

    /// The examples of a split.
    public func examples(_ split: Split) -> [SynthExample] {
        split == .train ? train : test
    }

    /// The search corpus (the documents of `searchIndex`).
    public var corpus: [InMemoryBM25.Document] { searchIndex.documents }

    /// The split as a benchmark file: JSONL, one `{"id","question","answer",...}`
    /// object per line (metadata fields beside them), keys sorted.
    public func jsonl(_ split: Split) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for example in examples(split) {
            var object = example.item.metadata
            object["id"] = .string(example.item.id)
            object["question"] = .string(example.item.question)
            object["answer"] = .array(example.item.answers.map { .string($0) })
            if let line = try? encoder.encode(JSONValue.object(object)) { data.append(line) }
            data.append(0x0A)
        }
        return data
    }

    /// The split read back through the benchmark parser, as the server lists
    /// and evaluates it (source `sample`, SHA-256 of `jsonl(split)`).
    /// - Throws: `DatasetError` (not expected: the file is generated).
    public func dataset(_ split: Split) throws(DatasetError) -> Dataset {
        try DatasetParser.parse(jsonl(split), fileName: "\(task.rawValue)-\(split.rawValue).jsonl", spec: task.spec, source: .sample)
    }
}
