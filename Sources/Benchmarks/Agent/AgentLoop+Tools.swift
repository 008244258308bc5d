/// Running the tool calls of the agent loop.
extension AgentLoop {
    /// The texts the model sees when a call is not run.
    enum Notice {
        static let searchUnavailable = "The search tool is not available. Answer with what you know."
        static let pythonUnavailable = "The python tool is not available. Reason it out without running code."
        static let emptyQuery = "No query was given: write the query between <search> and </search>."
        static let emptyCode = "No code was given: write the code between <python> and </python>."
        static let repeatedQuery =
            "This query was already searched; its results are above. Use them, or search for something else."

        static func searchLimit(_ limit: Int) -> String {
            "Search limit reached: at most \(limit) searches per question. Answer with the information you have."
        }

        static func pythonLimit(_ limit: Int) -> String {
            "Python limit reached: at most \(limit) python calls per question. Answer with the results you have."
        }
    }

    /// The result text of one tool call, after the limits, the repeat check
    /// and the tool itself.
    /// - Parameters:
    ///   - call: `.search` or `.python`.
    ///   - content: the query or code between the tags.
    ///   - state: the sample's state (counters, searched queries, errors).
    ///   - deadline: the sample's deadline.
    /// - Returns: the text to put inside `<result>`, or `nil` when the
    ///   deadline passed while the tool ran.
    /// - Throws: `AgentError.cancelled` when the task is cancelled.
    func toolResult(
        for call: AgentTag, content: String, state: inout AgentLoopState,
        deadline: ContinuousClock.Instant
    ) async throws(AgentError) -> String? {
        switch call {
        case .search:
            state.searchCalls += 1
            if state.searchCalls > limits.maxSearches { return Notice.searchLimit(limits.maxSearches) }
            let query = content.trimmed
            if query.isEmpty { return Notice.emptyQuery }
            if !state.recordQuery(query) { return Notice.repeatedQuery }
            guard let backend = tools.search else { return Notice.searchUnavailable }
            let topK = tools.topK
            let budget = tools.resultCharacterBudget
            let context = SearchContext(question: state.question, reasoning: state.trajectory)
            return try await runTool(named: "search", state: &state, deadline: deadline) {
                try await backend.result(for: query, topK: topK, context: context, characterBudget: budget)
            }
        case .python:
            state.pythonCalls += 1
            if state.pythonCalls > limits.maxPythonCalls { return Notice.pythonLimit(limits.maxPythonCalls) }
            let code = Self.preparedCode(content)
            if code.isEmpty { return Notice.emptyCode }
            guard let runner = tools.python else { return Notice.pythonUnavailable }
            let budget = tools.resultCharacterBudget
            return try await runTool(named: "python", state: &state, deadline: deadline) {
                try await runner.run(code).render(characterBudget: budget)
            }
        case .answer:
            return nil
        }
    }

    /// Runs a tool under the sample deadline; a failure becomes the result
    /// text (and a line in `state.toolErrors`), so the loop goes on.
    private func runTool(
        named name: String, state: inout AgentLoopState, deadline: ContinuousClock.Instant,
        _ operation: @escaping @Sendable () async throws -> String
    ) async throws(AgentError) -> String? {
        do {
            switch try await withDeadline(deadline, operation: operation) {
            case .expired: return nil
            case .finished(let text): return text
            }
        } catch {
            if Task.isCancelled { throw .cancelled }
            let message = error is PythonToolError ? "\(error)" : "\(name) failed: \(error)"
            state.toolErrors.append(message)
            logger.info("tool failed", metadata: ["agent.tool": "\(name)", "agent.error": "\(error)"])
            return tools.clip(message)
        }
    }

    /// The code of a python call: a Markdown fence (```python … ```)
    /// removed, blank lines around it dropped and the indentation common to
    /// all lines removed (so `<python>\n    x = 1\n</python>` runs).
    static func preparedCode(_ content: String) -> String {
        var lines = content.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let first = lines.first, first.trimmed.isEmpty { lines.removeFirst() }
        while let last = lines.last, last.trimmed.isEmpty { lines.removeLast() }
        if let first = lines.first, first.trimmed.hasPrefix("```") {
            lines.removeFirst()
            if let last = lines.last, last.trimmed == "```" { lines.removeLast() }
        }
        let indents = lines.filter { !$0.trimmed.isEmpty }.map { $0.prefix { $0 == " " || $0 == "\t" }.count }
        let common = indents.min() ?? 0
        return lines.map { $0.trimmed.isEmpty ? "" : String($0.dropFirst(common)) }
            .joined(separator: "\n").trailingWhitespaceRemoved
    }
}
