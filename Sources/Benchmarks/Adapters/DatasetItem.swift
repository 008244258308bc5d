/// One question of a benchmark, as read from its file.
public struct DatasetItem: Sendable, Hashable, Codable {
    /// The item id: the `id`, `task_id` or `idx` field when present, else the
    /// 1-based line number (JSONL) or element number (JSON array).
    public let id: String
    /// The question text, exactly as in the file.
    public let question: String
    /// The gold answers: one or more aliases, never empty.
    public let answers: [String]
    /// Every field the adapter does not interpret (e.g. GAIA's `Level`, HLE's
    /// `answer_type`, `source`), as found.
    public let metadata: [String: JSONValue]
    /// The 1-based line of the file where the item starts.
    public let line: Int

    /// Creates an item.
    public init(
        id: String, question: String, answers: [String], metadata: [String: JSONValue] = [:],
        line: Int
    ) {
        self.id = id
        self.question = question
        self.answers = answers
        self.metadata = metadata
        self.line = line
    }
}
