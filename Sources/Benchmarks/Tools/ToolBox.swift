/// The tools an agent sample may call. A missing tool is answered with a
/// result saying it is not available, and the loop goes on.
public struct ToolBox: Sendable {
    /// The search backend, or `nil` when searching is off.
    public var search: (any SearchBackend)?
    /// The python runner, or `nil` when running code is off.
    public var python: (any PythonRunner)?
    /// Hits asked of the search backend per query (default 5).
    public var topK: Int
    /// The most characters of one tool result the model sees (default
    /// 4000): search passages are dropped or cut, python output keeps its
    /// start and end.
    public var resultCharacterBudget: Int

    /// Creates a tool box.
    /// - Parameters:
    ///   - search: the search backend.
    ///   - python: the python runner.
    ///   - topK: hits per query.
    ///   - resultCharacterBudget: characters per tool result.
    public init(
        search: (any SearchBackend)? = nil, python: (any PythonRunner)? = nil, topK: Int = 5,
        resultCharacterBudget: Int = 4000
    ) {
        self.search = search
        self.python = python
        self.topK = topK
        self.resultCharacterBudget = resultCharacterBudget
    }

    /// A text cut to the result budget.
    func clip(_ text: String) -> String {
        text.clipped(to: resultCharacterBudget)
    }
}
