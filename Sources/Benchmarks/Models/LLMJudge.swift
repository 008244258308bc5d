/// The LLM-as-judge of BENCHMARKS.md: a chat model (the authors used
/// Qwen2.5-72B-Instruct) is shown the question, the gold answers and the
/// prediction, told to answer exactly `Correct` or `Incorrect`, and sampled
/// greedily.
public struct LLMJudge: Judge {
    /// The judge model's client.
    public let client: OpenAIChatClient
    /// Tokens the judge may generate (default 64: room for a stray
    /// preamble, a verdict is one word).
    public var maxTokens: Int

    /// Creates a judge.
    /// - Parameters:
    ///   - client: a chat client for the judge model.
    ///   - maxTokens: the reply's token limit.
    public init(client: OpenAIChatClient, maxTokens: Int = 64) {
        self.client = client
        self.maxTokens = maxTokens
    }

    /// Asks the judge about one prediction (temperature 0, seed 0).
    /// - Throws: `JudgeError.http` when the endpoint fails after its
    ///   retries, `.unparseableVerdict` when the reply names no verdict.
    public func judge(
        question: String, golds: [String], prediction: String
    ) async throws(JudgeError) -> JudgeVerdict {
        let reply: Completion
        do {
            reply = try await client.chat(
                Self.messages(question: question, golds: golds, prediction: prediction),
                sampling: .greedy(maxTokens: maxTokens), seed: 0)
        } catch {
            throw .http(error)
        }
        guard let verdict = Self.verdict(in: reply.text) else {
            throw .unparseableVerdict(reply.text.clipped(to: 200))
        }
        return verdict
    }

    /// The judge's instructions.
    static let instructions = """
        You are a strict grader of answers to questions. You are given a question, its gold \
        answer(s) and a predicted answer. The prediction is correct when it means the same as one \
        of the gold answers; differences of wording, letter case, formatting or an equivalent way \
        of writing a number or a date do not matter. It is incorrect when it differs in meaning, is \
        less specific or incomplete, gives several candidates, or declines to answer. \
        Reply with exactly one word: Correct or Incorrect.
        """

    /// The system and user messages for one prediction.
    static func messages(question: String, golds: [String], prediction: String) -> [ChatMessage] {
        let goldList = golds.map { "\"\($0)\"" }.joined(separator: " | ")
        let user = """
            Question: \(question)
            Gold answer(s): \(goldList)
            Predicted answer: \(prediction)

            Is the predicted answer correct? Reply with exactly one word: Correct or Incorrect.
            """
        return [.system(instructions), .user(user)]
    }

    /// The verdict a reply names: reasoning inside `<think>…</think>` is
    /// skipped, then the first `correct` or `incorrect` word decides (any
    /// case, Markdown around it ignored; `not correct` is incorrect).
    /// - Returns: the verdict, or `nil` when the reply names none.
    static func verdict(in reply: String) -> JudgeVerdict? {
        var text = reply
        if let end = text.range(of: "</think>", options: .backwards) {
            text = String(text[end.upperBound...])
        }
        let words = text.lowercased().split { !$0.isLetter && $0 != "'" }.map(String.init)
        for (index, word) in words.enumerated() {
            switch word {
            case "incorrect", "wrong":
                return .incorrect
            case "correct":
                let previous = index > 0 ? words[index - 1] : ""
                return ["not", "isn't", "never"].contains(previous) ? .incorrect : .correct
            default:
                continue
            }
        }
        return nil
    }
}

/// Why the LLM judge gave no verdict.
public enum JudgeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The judge endpoint failed.
    case http(HTTPCallError)
    /// The reply (its start) names neither Correct nor Incorrect.
    case unparseableVerdict(String)

    public var description: String {
        switch self {
        case .http(let error): return "judge endpoint: \(error)"
        case .unparseableVerdict(let reply): return "the judge answered neither Correct nor Incorrect: \(reply)"
        }
    }
}
