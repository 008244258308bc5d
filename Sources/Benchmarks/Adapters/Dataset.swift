/// A parsed benchmark file: its items and the SHA-256 of its exact bytes.
public struct Dataset: Sendable, Hashable {
    /// Where the dataset came from.
    public enum Source: String, Sendable, Hashable, Codable {
        /// A project-authored sample set shipped with the library.
        case sample
        /// A file a user imported (e.g. the authors' `test.jsonl`).
        case imported
    }

    /// The adapter name.
    public let benchmark: String
    /// Sample or imported.
    public let source: Source
    /// The items, in file order.
    public let items: [DatasetItem]
    /// Lower-case hex SHA-256 of the file bytes as given.
    public let sha256: String

    /// Creates a dataset.
    public init(benchmark: String, source: Source, items: [DatasetItem], sha256: String) {
        self.benchmark = benchmark
        self.source = source
        self.items = items
        self.sha256 = sha256
    }
}
