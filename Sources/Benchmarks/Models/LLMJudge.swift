import Foundation

/// The LLM-as-judge of BENCHMARKS.md: a chat model (the authors used
/// Qwen2.5-72B-Instruct) is shown the question, the gold answers and the
/// prediction and answers Correct or Incorrect, under the rules of its
/// ``JudgeMode``. A reasoning judge's thoughts (a `<think>…</think>` block
/// in the reply, or vLLM's separate `reasoning_content`) never decide.
public struct LLMJudge: Judge {
    /// The judge model's client.
    public let client: OpenAIChatClient
    /// The rules: prompt and verdict parsing.
    public var mode: JudgeMode
    /// How the judge samples (seed 0 on every call).
    public var sampling: SamplingParameters

    /// Creates a judge.
    /// - Parameters:
    ///   - client: a chat client for the judge model.
    ///   - mode: the rules (default `.strict`).
    ///   - sampling: the judge's sampling; nil: the mode's default.
    public init(client: OpenAIChatClient, mode: JudgeMode = .strict, sampling: SamplingParameters? = nil) {
        self.client = client
        self.mode = mode
        self.sampling = sampling ?? mode.defaultSampling
    }

    /// Asks the judge about one prediction.
    /// - Throws: `JudgeError.http` when the endpoint fails after its
    ///   retries; in strict mode `.unparseableVerdict` when the reply names
    ///   no verdict (the authors' rules read such a reply as incorrect).
    public func judge(
        question: String, golds: [String], prediction: String
    ) async throws(JudgeError) -> JudgeVerdict {
        let reply: Completion
        do {
            reply = try await client.chat(
                Self.messages(mode: mode, question: question, golds: golds, prediction: prediction),
                sampling: sampling, seed: 0)
        } catch {
            throw .http(error)
        }
        switch mode {
        case .strict:
            guard let verdict = Self.verdict(in: reply.text) else {
                throw .unparseableVerdict(reply.text.clipped(to: 200))
            }
            return verdict
        case .authors:
            return Self.authorsVerdict(in: reply.text)
        }
    }

    /// The strict judge's instructions.
    static let instructions = """
        You are a strict grader of answers to questions. You are given a question, its gold \
        answer(s) and a predicted answer. The prediction is correct when it means the same as one \
        of the gold answers; differences of wording, letter case, formatting or an equivalent way \
        of writing a number or a date do not matter. It is incorrect when it differs in meaning, is \
        less specific or incomplete, gives several candidates, or declines to answer. \
        Reply with exactly one word: Correct or Incorrect.
        """

    /// The messages for one prediction under `mode`.
    static func messages(mode: JudgeMode = .strict, question: String, golds: [String], prediction: String) -> [ChatMessage] {
        switch mode {
        case .strict:
            let goldList = golds.map { "\"\($0)\"" }.joined(separator: " | ")
            let user = """
                Question: \(question)
                Gold answer(s): \(goldList)
                Predicted answer: \(prediction)

                Is the predicted answer correct? Reply with exactly one word: Correct or Incorrect.
                """
            return [.system(instructions), .user(user)]
        case .authors:
            // One user message, the gold answers as a list (the authors' shape; this project's words).
            let user = """
                Decide whether the predicted answer to the question below is right. It is right when it \
                agrees with the gold answer in meaning and in every key fact; when several gold answers \
                are listed, agreeing with any one of them is enough. Reply "Correct" if it is right and \
                "Incorrect" otherwise.

                Question: \(question)
                Gold answers: \(goldListLiteral(golds))
                Predicted answer: \(prediction)
                """
            return [.user(user)]
        }
    }

    /// The gold answers as a JSON array literal.
    static func goldListLiteral(_ golds: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(golds) else { return golds.joined(separator: ", ") }
        return String(decoding: data, as: UTF8.self)
    }

    /// The reply without a reasoning judge's `<think>…</think>` block (an
    /// unclosed `<think>` leaves nothing).
    static func withoutThinking(_ reply: String) -> String {
        if let end = reply.range(of: "</think>", options: .backwards) { return String(reply[end.upperBound...]) }
        if reply.range(of: "<think>") != nil { return "" }
        return reply
    }

    /// The strict verdict a reply names: reasoning skipped, then the first
    /// `correct` or `incorrect` word decides (any case, Markdown around it
    /// ignored; `not correct` is incorrect).
    /// - Returns: the verdict, or `nil` when the reply names none.
    static func verdict(in reply: String) -> JudgeVerdict? {
        let words = withoutThinking(reply).lowercased().split { !$0.isLetter && $0 != "'" }.map(String.init)
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

    /// The authors' verdict: reasoning skipped, the text of a
    /// `<judgment>…</judgment>` tag when there is one, then correct when it
    /// contains "correct" and none of "incorrect", "wrong", "not correct"
    /// (substrings, any case). Never fails: anything else is incorrect.
    static func authorsVerdict(in reply: String) -> JudgeVerdict {
        var text = withoutThinking(reply)
        if let open = text.range(of: "<judgment>"), let close = text.range(of: "</judgment>", range: open.upperBound..<text.endIndex) {
            text = String(text[open.upperBound..<close.lowerBound])
        }
        let lower = text.lowercased()
        let negated = ["incorrect", "wrong", "not correct"].contains { lower.contains($0) }
        return lower.contains("correct") && !negated ? .correct : .incorrect
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
