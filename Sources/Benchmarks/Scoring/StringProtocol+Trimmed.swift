extension StringProtocol {
    /// The text without leading and trailing whitespace.
    var trimmed: String {
        guard let start = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        var end = endIndex
        while end > start {
            let before = index(before: end)
            guard self[before].isWhitespace else { break }
            end = before
        }
        return String(self[start..<end])
    }

    /// The text without trailing whitespace and newlines.
    var trailingWhitespaceRemoved: String {
        // Walks back from the end only: the text is often a whole completion
        // with a newline or two to drop (a reversed copy cost 3% of an evaluation).
        var end = endIndex
        while end > startIndex {
            let before = index(before: end)
            guard self[before].isWhitespace else { break }
            end = before
        }
        return String(self[..<end])
    }
}
