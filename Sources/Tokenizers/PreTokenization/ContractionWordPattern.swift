/// Hand-written matchers for the GPT-2 / cl100k family of pre-tokenizer
/// regexes, the ones byte-level BPE checkpoints ship.
///
/// Each `match(at:)` tries the alternatives of its pattern in order at one
/// position, exactly as a backtracking engine (Oniguruma, which `tokenizers`
/// uses) does: the first alternative that matches wins, not the longest.
struct ContractionWordPattern: Sendable, Equatable {
    enum Family: Sendable, Equatable {
        /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` (GPT-2, ByteLevel's own).
        case gpt2
        /// `(?i:'s|...|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,k}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
        /// with `k` digits per piece (Qwen2: 1, Llama 3: 3); `marksAreLetters`
        /// is Qwen 3.5's variant with `[\p{L}\p{M}]` for letters.
        case cl100k(maxDigits: Int, marksAreLetters: Bool)
    }

    let family: Family

    /// The exact pattern text of each family member this matcher implements.
    static func recognize(_ pattern: String) -> ContractionWordPattern? {
        if pattern == #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"# {
            return ContractionWordPattern(family: .gpt2)
        }
        let contractions = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|"#
        let tail = #"|\s*[\r\n]+|\s+(?!\S)|\s+"#
        for (digits, digitText) in [(1, #"\p{N}"#), (3, #"\p{N}{1,3}"#)] {
            let plain = contractions + #"[^\r\n\p{L}\p{N}]?\p{L}+|"# + digitText + #"| ?[^\s\p{L}\p{N}]+[\r\n]*"# + tail
            if pattern == plain { return ContractionWordPattern(family: .cl100k(maxDigits: digits, marksAreLetters: false)) }
            let marks = contractions + #"[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|"# + digitText + #"| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*"# + tail
            if pattern == marks { return ContractionWordPattern(family: .cl100k(maxDigits: digits, marksAreLetters: true)) }
        }
        return nil
    }

    /// All non-overlapping matches in `s`, left to right.
    func matches(in s: [UInt32]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        result.reserveCapacity(s.count / 3 + 1)
        var i = 0
        while i < s.count {
            let end = match(s, at: i)
            if end > i {
                result.append(i..<end)
                i = end
            } else {
                i += 1
            }
        }
        return result
    }

    /// The end of the match starting at `i`, or `i` when no alternative matches there.
    func match(_ s: [UInt32], at i: Int) -> Int {
        switch family {
        case .gpt2: gpt2Match(s, at: i)
        case .cl100k(let maxDigits, let marks): cl100kMatch(s, at: i, maxDigits: maxDigits, marksAreLetters: marks)
        }
    }

    private static let apostrophe = UInt32(UInt8(ascii: "'"))
    private static let space: UInt32 = 0x20
    private static func isNewline(_ c: UInt32) -> Bool { c == 0x0A || c == 0x0D }

    /// `'s|'t|'re|'ve|'m|'ll|'d`, case-folded when `ignoreCase` (then `ſ`, U+017F, folds to `s` as in Oniguruma).
    private func contraction(_ s: [UInt32], at i: Int, ignoreCase: Bool) -> Int {
        guard s[i] == Self.apostrophe, i + 1 < s.count else { return i }
        func lower(_ c: UInt32) -> UInt32 {
            guard ignoreCase else { return c }
            if c >= 0x41 && c <= 0x5A { return c + 0x20 }
            return c == 0x17F ? 0x73 : c
        }
        let a = lower(s[i + 1])
        switch a {
        case 0x73, 0x74, 0x6D, 0x64: return i + 2  // s t m d
        default: break
        }
        guard i + 2 < s.count else { return i }
        let b = lower(s[i + 2])
        switch (a, b) {
        case (0x72, 0x65), (0x76, 0x65), (0x6C, 0x6C): return i + 3  // re ve ll
        default: return i
        }
    }

    /// End of the run of whitespace starting at `i`.
    private func whitespaceRunEnd(_ s: [UInt32], from i: Int) -> Int {
        var j = i
        while j < s.count, UnicodeClass.isWhitespace(s[j]) { j += 1 }
        return j
    }

    /// `\s+(?!\S)|\s+` at a whitespace position: the run, less its last
    /// character when a non-space follows and the run is longer than one.
    private func trailingWhitespace(_ s: [UInt32], at i: Int) -> Int {
        let j = whitespaceRunEnd(s, from: i)
        if j == s.count || j - 1 == i { return j }
        return j - 1
    }

    private func gpt2Match(_ s: [UInt32], at i: Int) -> Int {
        let c = contraction(s, at: i, ignoreCase: false)
        if c > i { return c }
        var start = i
        if s[i] == Self.space, i + 1 < s.count, !UnicodeClass.isWhitespace(s[i + 1]) { start = i + 1 }
        let cls = UnicodeClass.of(s[start])
        if cls & UnicodeClass.letter != 0 { return run(s, from: start) { UnicodeClass.isLetter($0) } }
        if cls & UnicodeClass.number != 0 { return run(s, from: start) { UnicodeClass.isNumber($0) } }
        if cls & (UnicodeClass.whitespace | UnicodeClass.letter | UnicodeClass.number) == 0 {
            return run(s, from: start) { UnicodeClass.of($0) & (UnicodeClass.whitespace | UnicodeClass.letter | UnicodeClass.number) == 0 }
        }
        return trailingWhitespace(s, at: i)
    }

    private func cl100kMatch(_ s: [UInt32], at i: Int, maxDigits: Int, marksAreLetters: Bool) -> Int {
        let c = contraction(s, at: i, ignoreCase: true)
        if c > i { return c }
        let letterBits = marksAreLetters ? UnicodeClass.letter | UnicodeClass.mark : UnicodeClass.letter
        let isLetter = { (v: UInt32) in UnicodeClass.of(v) & letterBits != 0 }
        let cls = UnicodeClass.of(s[i])
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if cls & letterBits != 0 { return run(s, from: i, while: isLetter) }
        if cls & (UnicodeClass.letter | UnicodeClass.number) == 0, !Self.isNewline(s[i]),
           i + 1 < s.count, isLetter(s[i + 1]) {
            return run(s, from: i + 1, while: isLetter)
        }
        // \p{N}{1,k}
        if cls & UnicodeClass.number != 0 {
            var j = i + 1
            while j < s.count, j - i < maxDigits, UnicodeClass.isNumber(s[j]) { j += 1 }
            return j
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        let otherExcluded = UnicodeClass.whitespace | letterBits | UnicodeClass.number
        let isOther = { (v: UInt32) in UnicodeClass.of(v) & otherExcluded == 0 }
        var start = i
        if s[i] == Self.space, i + 1 < s.count, isOther(s[i + 1]) { start = i + 1 }
        if isOther(s[start]) {
            var j = run(s, from: start, while: isOther)
            while j < s.count, Self.isNewline(s[j]) { j += 1 }
            return j
        }
        guard cls & UnicodeClass.whitespace != 0 else { return i }
        // \s*[\r\n]+ : up to the last newline of the whitespace run.
        let j = whitespaceRunEnd(s, from: i)
        var k = j - 1
        while k >= i, !Self.isNewline(s[k]) { k -= 1 }
        if k >= i { return k + 1 }
        return trailingWhitespace(s, at: i)
    }

    private func run(_ s: [UInt32], from i: Int, while predicate: (UInt32) -> Bool) -> Int {
        var j = i
        while j < s.count, predicate(s[j]) { j += 1 }
        return j
    }
}
