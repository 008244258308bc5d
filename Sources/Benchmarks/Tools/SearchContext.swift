/// What a search call knows of the sample it serves: the question and the
/// model's text so far. Backends that only look up the query ignore it;
/// the deep search hands it to its summariser, which writes for this
/// question and this line of reasoning.
public struct SearchContext: Sendable, Hashable {
    /// The benchmark question the model is answering.
    public var question: String
    /// The trajectory up to and including the `<search>…</search>` call
    /// (earlier tool results included).
    public var reasoning: String

    /// Creates a context.
    /// - Parameters:
    ///   - question: the question.
    ///   - reasoning: the model's text so far.
    public init(question: String = "", reasoning: String = "") {
        self.question = question
        self.reasoning = reasoning
    }
}
