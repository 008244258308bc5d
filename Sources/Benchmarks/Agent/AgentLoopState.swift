/// The mutable state of one agent sample: the trajectory and the counters
/// the limits are checked against.
struct AgentLoopState: Sendable {
    /// The question being answered (set by `AgentLoop.nextCall`), for
    /// search backends that read the sample's context.
    var question = ""
    /// Generated text and tool results so far (no prompt).
    var trajectory = ""
    /// The framed system prompt and question, rendered on the first call.
    var head: String?
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
    /// Calls made for the current turn after it ended on the token limit.
    var continuations = 0
    /// Prompt plus completion tokens of the last call that reported both,
    /// and the trajectory's UTF-8 length at that point: what the next
    /// prompt's size is estimated from.
    var measuredTokens: (tokens: Int, trajectoryBytes: Int)?

    /// Adds a call's reported token count.
    mutating func add(usage: Completion.Usage?) {
        guard let tokens = usage?.completionTokens else { return }
        completionTokens = (completionTokens ?? 0) + tokens
    }

    /// Records the size of the text so far after a call that reported its usage.
    mutating func measure(usage: Completion.Usage?) {
        guard let prompt = usage?.promptTokens, let completion = usage?.completionTokens else { return }
        measuredTokens = (prompt + completion, trajectory.utf8.count)
    }

    /// The prompt's estimated length in tokens: the last measure plus the
    /// text added since at 4 bytes a token, else the whole prompt at that
    /// rate. An underestimate costs a retry (the server's 400 tells the
    /// exact count); an overestimate only shortens a call near the limit.
    func estimatedPromptTokens(promptBytes: Int) -> Int {
        if let measured = measuredTokens {
            return measured.tokens + (trajectory.utf8.count - measured.trajectoryBytes + 3) / 4
        }
        return (promptBytes + 3) / 4
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
