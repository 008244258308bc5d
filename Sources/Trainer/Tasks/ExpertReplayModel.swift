import Benchmarks

/// A `CompletionModel` that plays an `ExpertSolution`, answering like an
/// OpenAI-compatible server (the matched stop string left out of the text
/// and reported as `matchedStop`). Call k of a sample is told apart by the
/// number of tool results in the trajectory so far:
///
/// - first call: `<think>…</think>\n` then the first tool call (or the answer);
/// - call k: tool call k;
/// - last call: `<answer>\boxed{…}</answer>`.
struct ExpertReplayModel: CompletionModel {
    let solution: ExpertSolution

    /// The model-written pieces of the trajectory in order, closing tags included.
    var pieces: [String] {
        (0...solution.calls.count).map { step in
            let (text, stop) = completion(step: step)
            return text + stop
        }
    }

    func complete(_ request: CompletionRequest) async throws -> Completion {
        let soFar = request.turns?.assistant ?? request.prompt
        let step = soFar.components(separatedBy: AgentTagText.resultClose).count - 1
        let (text, stop) = completion(step: min(step, solution.calls.count))
        return Completion(text: text, matchedStop: stop, finishReason: .stop)
    }

    /// The text (without its stop string) and the stop string of call `step`.
    private func completion(step: Int) -> (String, String) {
        let lead = step == 0 ? "<think>\(solution.think)</think>\n" : ""
        guard step < solution.calls.count else {
            return (lead + "<answer>\\boxed{\(solution.answer)}", AgentTag.answer.closing)
        }
        let call = solution.calls[step]
        let tag: AgentTag = call.tool == .search ? .search : .python
        return (lead + tag.opening + call.input, tag.closing)
    }
}

/// The result-block tag the loop writes.
enum AgentTagText {
    static let resultClose = "</result>"
}

/// A `PythonRunner` that knows what the expert's programs print: it answers
/// each program of the solution with its expected output, and anything
/// else with an error exit (it never runs code).
struct KnownOutputPython: PythonRunner {
    let solution: ExpertSolution

    func run(_ code: String) async throws -> PythonResult {
        let known = solution.calls.first { $0.tool == .python && $0.input == code }
        guard let known else {
            return PythonResult(output: "NameError: not an expert program", exitStatus: 1)
        }
        return PythonResult(output: known.expected, exitStatus: 0)
    }
}
