/// Finds added tokens in text the way `AddedVocabulary::find_matches` does:
/// leftmost-longest non-overlapping matches, then each token's
/// `single_word`, `lstrip` and `rstrip` flags.
struct AddedTokenMatcher: Sendable {
    /// One stretch of the input: an added token, or text for the model.
    struct Segment: Sendable, Equatable {
        let range: Range<Int>
        let token: AddedToken?
    }

    private let patterns: [[UInt32]]
    private let tokens: [AddedToken]
    /// Candidate pattern indexes by first character, longest first.
    private let byFirst: [UInt32: [Int]]

    /// `nil` when there is nothing to match (the library's empty trie).
    init?(_ entries: [(pattern: [UInt32], token: AddedToken)]) {
        let usable = entries.filter { !$0.pattern.isEmpty }
        guard !usable.isEmpty else { return nil }
        let patterns = usable.map(\.pattern)
        var byFirst: [UInt32: [Int]] = [:]
        for (index, pattern) in patterns.enumerated() { byFirst[pattern[0], default: []].append(index) }
        for key in byFirst.keys { byFirst[key]?.sort { patterns[$0].count > patterns[$1].count } }
        self.patterns = patterns
        self.tokens = usable.map(\.token)
        self.byFirst = byFirst
    }

    /// Cuts `s` into segments covering all of it (an empty input is one empty text segment).
    func split(_ s: [UInt32]) -> [Segment] {
        if s.isEmpty { return [Segment(range: 0..<0, token: nil)] }
        var segments: [Segment] = []
        var consumed = 0
        var i = 0
        while i < s.count {
            guard let candidates = byFirst[s[i]], let found = candidates.first(where: { matches(patterns[$0], in: s, at: i) }) else {
                i += 1
                continue
            }
            let token = tokens[found]
            var start = i
            var stop = i + patterns[found].count
            i = stop
            if token.singleWord {
                let wordBefore = start > 0 && UnicodeClass.isWordCharacter(s[start - 1])
                let wordAfter = stop < s.count && UnicodeClass.isWordCharacter(s[stop])
                if wordBefore || wordAfter { continue }
            }
            if token.lstrip {
                var newStart = start
                while newStart > 0, UnicodeClass.isWhitespace(s[newStart - 1]) { newStart -= 1 }
                start = max(newStart, consumed)
            }
            if token.rstrip {
                while stop < s.count, UnicodeClass.isWhitespace(s[stop]) { stop += 1 }
            }
            if consumed < start { segments.append(Segment(range: consumed..<start, token: nil)) }
            segments.append(Segment(range: start..<stop, token: token))
            consumed = stop
        }
        if consumed < s.count { segments.append(Segment(range: consumed..<s.count, token: nil)) }
        return segments
    }

    private func matches(_ pattern: [UInt32], in s: [UInt32], at i: Int) -> Bool {
        guard i + pattern.count <= s.count else { return false }
        for k in 1..<pattern.count where s[i + k] != pattern[k] { return false }
        return true
    }
}
