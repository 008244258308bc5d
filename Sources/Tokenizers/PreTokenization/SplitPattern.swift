/// What a `Split` pre-tokenizer (or a `Replace` normalizer) looks for.
///
/// The regexes byte-level checkpoints ship are matched by hand-written code
/// (`ContractionWordPattern`); any other regex goes to Swift `Regex` with
/// Unicode-scalar semantics, which is slower and whose Unicode tables and
/// syntax may differ from Oniguruma's in corner cases.
enum SplitPattern: Sendable {
    case literal([UInt32])
    case contractionWords(ContractionWordPattern)
    case regex(ScalarRegex)

    /// Reads `{"String": "..."}` or `{"Regex": "..."}`.
    static func parse(_ node: JSONNode?, path: String) throws(TokenizerLoadError) -> SplitPattern {
        if let text = node?["String"]?.string { return .literal(text.unicodeScalars.map(\.value)) }
        guard let pattern = node?["Regex"]?.string else {
            throw .invalidField(path: path, expected: "{\"String\": ...} or {\"Regex\": ...}")
        }
        if let known = ContractionWordPattern.recognize(pattern) { return .contractionWords(known) }
        return .regex(try ScalarRegex(pattern))
    }

    /// Non-overlapping matches in `s`, left to right.
    func matches(in s: [UInt32]) -> [Range<Int>] {
        switch self {
        case .contractionWords(let pattern): return pattern.matches(in: s)
        case .regex(let regex): return regex.matches(in: s)
        case .literal(let needle):
            guard !needle.isEmpty, needle.count <= s.count else { return [] }
            var result: [Range<Int>] = []
            var i = 0
            while i + needle.count <= s.count {
                if s[i] == needle[0], s[i..<(i + needle.count)].elementsEqual(needle) {
                    result.append(i..<(i + needle.count))
                    i += needle.count
                } else {
                    i += 1
                }
            }
            return result
        }
    }
}

/// A Swift `Regex` run over Unicode scalars, the fallback for patterns
/// without a hand-written matcher.
struct ScalarRegex: @unchecked Sendable {
    // `Regex<AnyRegexOutput>` is immutable once built; matching does not
    // mutate it, so sharing it across threads is safe.
    private let regex: Regex<AnyRegexOutput>
    let pattern: String

    init(_ pattern: String) throws(TokenizerLoadError) {
        do {
            regex = try Regex(pattern).matchingSemantics(.unicodeScalar)
        } catch {
            throw .unsupportedPattern(pattern)
        }
        self.pattern = pattern
    }

    func matches(in s: [UInt32]) -> [Range<Int>] {
        var text = String.UnicodeScalarView()
        for value in s { text.append(Unicode.Scalar(value) ?? "\u{FFFD}") }
        let string = String(text)
        var result: [Range<Int>] = []
        var index = string.unicodeScalars.startIndex
        var offset = 0
        for match in string.matches(of: regex) where !match.range.isEmpty {
            let start = offset + string.unicodeScalars.distance(from: index, to: match.range.lowerBound)
            let end = start + string.unicodeScalars.distance(from: match.range.lowerBound, to: match.range.upperBound)
            result.append(start..<end)
            index = match.range.upperBound
            offset = end
        }
        return result
    }
}
