/// The tags the agent loop stops at, and the repair of completions whose
/// closing tag the server left out.
public enum AgentTag: String, Sendable, Hashable, CaseIterable {
    /// `<search> query </search>`: a search tool call.
    case search
    /// `<python> code </python>`: a python tool call.
    case python
    /// `<answer> … </answer>`: the final answer; the loop stops.
    case answer

    /// The opening tag, e.g. `<search>`.
    public var opening: String { "<\(rawValue)>" }
    /// The closing tag, e.g. `</search>`.
    public var closing: String { "</\(rawValue)>" }

    /// The stop strings of completion-mode generation: every closing tag.
    public static var stopStrings: [String] { allCases.map(\.closing) }

    /// The tag whose closing tag is `text`, if any.
    public init?(closing text: String) {
        guard let tag = Self.allCases.first(where: { $0.closing == text }) else { return nil }
        self = tag
    }

    /// Puts back the closing tag a server left out of a completion and says
    /// which tag ended it.
    ///
    /// 1. A reported stop string that is a closing tag is appended, unless
    ///    the text already ends with it (servers that keep stop strings).
    /// 2. A text that ends with a closing tag (trailing whitespace aside)
    ///    ended with that tag, reported or not.
    /// 3. A `.stop` finish with no stop string reported (servers without
    ///    vLLM's `stop_reason`) whose last opening tag is still open is
    ///    taken to have stopped at that tag's closing string.
    /// - Parameter completion: the model's answer.
    /// - Returns: the repaired text and the tag that ended it, `nil` when
    ///   generation ended some other way (end of sequence, length).
    public static func restore(_ completion: Completion) -> (text: String, tag: AgentTag?) {
        let text = completion.text
        let trimmed = text.trailingWhitespaceRemoved
        if let stop = completion.matchedStop, let tag = AgentTag(closing: stop) {
            return (trimmed.hasSuffix(tag.closing) ? text : text + tag.closing, tag)
        }
        if let tag = allCases.first(where: { trimmed.hasSuffix($0.closing) }) {
            return (text, tag)
        }
        if completion.finishReason == .stop, completion.matchedStop == nil,
            let tag = unclosedTag(in: text)
        {
            return (text + tag.closing, tag)
        }
        return (text, nil)
    }

    /// The last tag opened in `text` and not closed after it.
    static func unclosedTag(in text: String) -> AgentTag? {
        let openings = allCases.compactMap { tag in
            text.range(of: tag.opening, options: .backwards).map { (tag, $0) }
        }
        guard let (tag, range) = openings.max(by: { $0.1.lowerBound < $1.1.lowerBound }) else {
            return nil
        }
        return text[range.upperBound...].contains(tag.closing) ? nil : tag
    }

    /// The content of the call this tag closes at the end of `text`: the
    /// text between the last opening tag and the final closing tag, as
    /// written (indentation kept for code); empty when there is no opening
    /// tag.
    /// - Parameter text: a completion ending with this tag's closing string.
    public func content(in text: String) -> String {
        let trimmed = text.trailingWhitespaceRemoved
        guard trimmed.hasSuffix(closing) else { return "" }
        let body = trimmed.dropLast(closing.count)
        guard let open = body.range(of: opening, options: .backwards) else { return "" }
        return String(body[open.upperBound...])
    }
}
