import Foundation

/// Pulls the final answer out of an agent trajectory (BENCHMARKS.md: the
/// last `<answer>...</answer>`, then the last `\boxed{...}` inside it).
public enum AnswerExtraction {
    /// The final answer of a trajectory.
    ///
    /// - The last `<answer>` tag is taken; its text runs to the next
    ///   `</answer>`, or to the end of the trajectory when the tag was never
    ///   closed.
    /// - Inside it, the content of the last balanced `\boxed{...}` is the
    ///   answer (nested braces handled); a content that is a single
    ///   `\text{...}` group is unwrapped to its inner text.
    /// - Without a `\boxed{}`, the answer text itself, trimmed.
    /// - Parameter trajectory: the full generated text, tags included.
    /// - Returns: the answer, or `nil` when there is no `<answer>` tag or it
    ///   is empty.
    public static func finalAnswer(from trajectory: String) -> String? {
        guard let answer = answerTag(in: trajectory) else { return nil }
        let result = lastBoxed(in: answer).map(unwrapText) ?? answer
        let trimmed = result.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The text of the last `<answer>` tag, up to its `</answer>` (or the end
    /// of the text when unclosed); `nil` when there is no `<answer>`.
    public static func answerTag(in text: String) -> String? {
        guard let open = text.range(of: "<answer>", options: .backwards) else { return nil }
        let rest = text[open.upperBound...]
        let end = rest.range(of: "</answer>")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    /// The content of the last balanced `\boxed{...}` (or `\fbox{...}`) in
    /// `text`, nested braces handled and `\{`, `\}` not counted; the short
    /// form `\boxed 5` gives the token after the space. `nil` when there is
    /// none.
    public static func lastBoxed(in text: String) -> String? {
        var searchEnd = text.endIndex
        while let found = lastCommand(in: text[..<searchEnd]) {
            if let content = groupContent(in: text, after: found.upperBound) {
                return content
            }
            searchEnd = found.lowerBound
        }
        return nil
    }

    /// The inner text when `content` is exactly one `\text{...}` group (also
    /// `\textbf`, `\mathrm`, `\mbox`), else `content` unchanged.
    public static func unwrapText(_ content: String) -> String {
        let trimmed = content.trimmingCharacters(in: .whitespaces)
        for command in ["\\text", "\\textbf", "\\mathrm", "\\mbox"] {
            guard trimmed.hasPrefix(command + "{") else { continue }
            let start = trimmed.index(trimmed.startIndex, offsetBy: command.count)
            if let inner = balancedGroup(in: trimmed, at: start),
                inner.end == trimmed.endIndex
            {
                return inner.content
            }
        }
        return content
    }

    private static func lastCommand(in text: Substring) -> Range<String.Index>? {
        let boxed = text.range(of: "\\boxed", options: .backwards)
        let fbox = text.range(of: "\\fbox", options: .backwards)
        switch (boxed, fbox) {
        case (let b?, let f?): return b.lowerBound > f.lowerBound ? b : f
        case (let b?, nil): return b
        case (nil, let f?): return f
        case (nil, nil): return nil
        }
    }

    /// The argument after a `\boxed` command ending at `index`.
    private static func groupContent(in text: String, after index: String.Index) -> String? {
        var cursor = index
        while cursor < text.endIndex, text[cursor] == " " { cursor = text.index(after: cursor) }
        guard cursor < text.endIndex else { return nil }
        if text[cursor] == "{" {
            return balancedGroup(in: text, at: cursor)?.content
        }
        guard cursor > index else { return nil }  // `\boxeds`: another command
        let token = text[cursor...].prefix { !$0.isWhitespace && $0 != "$" }
        return token.isEmpty ? nil : String(token)
    }

    /// The content of the brace group opening at `open`, and the index just
    /// after its closing brace; `nil` when unbalanced.
    static func balancedGroup(
        in text: String, at open: String.Index
    ) -> (content: String, end: String.Index)? {
        guard open < text.endIndex, text[open] == "{" else { return nil }
        var depth = 0
        var cursor = open
        while cursor < text.endIndex {
            let char = text[cursor]
            if char == "\\" {
                cursor = text.index(after: cursor)
                if cursor < text.endIndex { cursor = text.index(after: cursor) }
                continue
            }
            if char == "{" { depth += 1 }
            if char == "}" {
                depth -= 1
                if depth == 0 {
                    let content = String(text[text.index(after: open)..<cursor])
                    return (content, text.index(after: cursor))
                }
            }
            cursor = text.index(after: cursor)
        }
        return nil
    }
}
