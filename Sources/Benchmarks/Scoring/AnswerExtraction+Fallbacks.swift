import Foundation

/// The extraction fallbacks of ``ExtractionMode/fallbacks``.
extension AnswerExtraction {
    /// Lines of the output the judge sees when no answer was extracted.
    public static let fallbackLineCount = 5

    /// The final answer under `mode`: `finalAnswer(from:)`, and with
    /// fallbacks, when the trajectory has no `<answer>` tag, the content of
    /// the last `\boxed{}` anywhere (tool results excluded, so a search hit
    /// is never taken for the model's answer).
    /// - Parameters:
    ///   - trajectory: the full generated text, tags included.
    ///   - mode: strict or with fallbacks.
    /// - Returns: the answer, or nil.
    public static func finalAnswer(from trajectory: String, mode: ExtractionMode) -> String? {
        if let answer = finalAnswer(from: trajectory) { return answer }
        guard mode == .fallbacks, answerTag(in: trajectory) == nil else { return nil }
        let boxed = lastBoxed(in: withoutResults(trajectory)).map(unwrapText)?.trimmed ?? ""
        return boxed.isEmpty ? nil : boxed
    }

    /// What the scorer sees under `mode`: the final answer, and with
    /// fallbacks, when there is none, the last ``fallbackLineCount``
    /// non-empty lines of the model's own text (tool results removed).
    /// - Returns: the prediction, or nil when there is nothing to show.
    public static func prediction(from trajectory: String, mode: ExtractionMode) -> String? {
        if let answer = finalAnswer(from: trajectory, mode: mode) { return answer }
        guard mode == .fallbacks else { return nil }
        let lines = withoutResults(trajectory).split(separator: "\n").map { $0.trimmed }.filter { !$0.isEmpty }
        let tail = lines.suffix(fallbackLineCount).joined(separator: "\n")
        return tail.isEmpty ? nil : tail
    }

    /// The text without its `<result>…</result>` blocks (an unclosed one
    /// runs to the end).
    static func withoutResults(_ text: String) -> String {
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "<result>") {
            output += rest[..<open.lowerBound]
            guard let close = rest.range(of: "</result>", range: open.upperBound..<rest.endIndex) else { return output }
            rest = rest[close.upperBound...]
        }
        return output + rest
    }
}
