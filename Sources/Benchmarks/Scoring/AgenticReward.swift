import Foundation

/// The RL reward of AEPO.md section 4 (from the authors' released code,
/// used for math and QA alike):
/// - -1 when the format is invalid: `<think>` tags paired, exactly one
///   `<answer>`, every `<search>` / `<python>` call closed and followed by
///   its `<result>`, a `\boxed{}` inside the answer;
/// - otherwise the token F1 of the boxed answer against the gold answers
///   (SQuAD normalisation, max over aliases);
/// - plus 0.1 when F1 > 0 and the rollout used both search and python.
public enum AgenticReward {
    /// The reward and what it was made of, for logging.
    public struct Breakdown: Sendable, Hashable {
        public var reward: Double
        /// Why the format is invalid; nil when it is valid.
        public var formatProblem: String?
        public var f1: Double
        public var searchCalls: Int
        public var pythonCalls: Int
    }

    public static let invalidFormatReward = -1.0
    public static let toolBonus = 0.1

    /// Scores one rollout's trajectory (generated text with tool results).
    public static func score(trajectory: String, golds: [String]) -> Breakdown {
        let searches = occurrences(of: "</search>", in: trajectory)
        let pythons = occurrences(of: "</python>", in: trajectory)
        if let problem = formatProblem(trajectory) {
            return Breakdown(reward: invalidFormatReward, formatProblem: problem, f1: 0, searchCalls: searches, pythonCalls: pythons)
        }
        let boxed = AnswerExtraction.finalAnswer(from: trajectory) ?? ""
        let f1 = QAScoring.f1(prediction: boxed, aliases: golds)
        let bonus = f1 > 0 && searches > 0 && pythons > 0 ? toolBonus : 0
        return Breakdown(reward: f1 + bonus, formatProblem: nil, f1: f1, searchCalls: searches, pythonCalls: pythons)
    }

    /// Why a trajectory breaks the protocol's format, or nil when it keeps it.
    public static func formatProblem(_ trajectory: String) -> String? {
        if !balanced(trajectory, open: "<think>", close: "</think>") { return "<think> tags are not paired" }
        if occurrences(of: "<answer>", in: trajectory) != 1 || occurrences(of: "</answer>", in: trajectory) != 1 {
            return "there must be exactly one <answer>...</answer>"
        }
        for tool in ["search", "python"] {
            if !balanced(trajectory, open: "<\(tool)>", close: "</\(tool)>") { return "<\(tool)> tags are not paired" }
            var rest = Substring(trajectory)
            while let close = rest.range(of: "</\(tool)>") {
                rest = rest[close.upperBound...]
                if !rest.drop(while: \.isWhitespace).hasPrefix("<result>") {
                    return "a <\(tool)> call is not followed by its <result>"
                }
            }
        }
        guard let answer = AnswerExtraction.answerTag(in: trajectory), AnswerExtraction.lastBoxed(in: answer) != nil else {
            return "the answer has no \\boxed{}"
        }
        return nil
    }

    /// Whether every `open` is closed before the next `open`, and nothing else is closed.
    static func balanced(_ text: String, open: String, close: String) -> Bool {
        var depth = 0
        var index = text.startIndex
        while index < text.endIndex {
            if text[index...].hasPrefix(open) {
                guard depth == 0 else { return false }
                depth = 1
                index = text.index(index, offsetBy: open.count)
            } else if text[index...].hasPrefix(close) {
                guard depth == 1 else { return false }
                depth = 0
                index = text.index(index, offsetBy: close.count)
            } else {
                index = text.index(after: index)
            }
        }
        return depth == 0
    }

    static func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
