/// The mutable state of one agent sample: the trajectory and the counters
/// the limits are checked against.
struct AgentLoopState: Sendable {
    /// Generated text and tool results so far (no prompt).
    var trajectory = ""
    /// `</search>` calls seen.
    var searchCalls = 0
    /// `</python>` calls seen.
    var pythonCalls = 0
    /// Model calls started.
    var modelCalls = 0
    /// Normalised queries already searched.
    var searchedQueries: Set<String> = []
    /// Tool failures, one line each.
    var toolErrors: [String] = []
    /// Generated tokens reported so far; `nil` until one call reports them.
    var completionTokens: Int?

    /// Adds a call's reported token count.
    mutating func add(usage: Completion.Usage?) {
        guard let tokens = usage?.completionTokens else { return }
        completionTokens = (completionTokens ?? 0) + tokens
    }

    /// Records a query; `false` when its normalised form was searched before.
    mutating func recordQuery(_ query: String) -> Bool {
        searchedQueries.insert(Self.normalizedQuery(query)).inserted
    }

    /// A query trimmed, lower-cased, with runs of whitespace collapsed to
    /// one space: the form repeats are detected on.
    static func normalizedQuery(_ query: String) -> String {
        query.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
