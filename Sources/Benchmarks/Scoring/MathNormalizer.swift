import Foundation

/// Normalises a math answer before comparison (BENCHMARKS.md, math-equal):
/// the same text-level rules for gold and prediction, so equal answers
/// written differently become the same string.
public enum MathNormalizer {
    /// Literal rewrites applied first, in order.
    static let rewrites: [(String, String)] = [
        ("\\$", ""), ("$", ""), ("\\displaystyle", ""),
        ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"),
        ("\\(", ""), ("\\)", ""), ("\\[", ""), ("\\]", ""),
        ("\\!", ""), ("\\,", ""), ("\\;", ""), ("\\:", ""), ("\\ ", " "), ("~", " "),
        ("{,}", ","), ("^{\\circ}", ""), ("^\\circ", ""), ("°", ""),
        ("\\%", ""), ("%", ""),
    ]

    /// The patterns, built once: a regex literal in a function body is
    /// compiled again on every call, which showed up in evaluation profiles.
    /// Each is compiled by a first match inside its one-time initialiser, so
    /// afterwards it is only read: sharing it across tasks is then safe,
    /// though `Regex` is not declared `Sendable`.
    enum Patterns {
        nonisolated(unsafe) static let leftRight = warmed(/\\(?:left|right)(?![A-Za-z])/)
        nonisolated(unsafe) static let fracDigits = warmed(/\\frac(\d)(\d)/)
        nonisolated(unsafe) static let fracDigitBrace = warmed(/\\frac(\d)\{/)
        nonisolated(unsafe) static let fracBraceDigit = warmed(/\\frac\{([^{}]*)\}(\d)/)
        nonisolated(unsafe) static let sqrtDigit = warmed(/\\sqrt(\d)/)
        nonisolated(unsafe) static let thousands = warmed(/[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?/)
        nonisolated(unsafe) static let variableAssignment = warmed(/[A-Za-z]=([^=]+)/)

        private static func warmed<Output>(_ regex: Regex<Output>) -> Regex<Output> {
            _ = "x".firstMatch(of: regex)
            return regex
        }
    }

    /// Unit words dropped after a number (`5 cm` -> `5`); they must be
    /// separated from the number by a space, so `2m` stays an expression.
    static let unitWords: [String] = [
        "square units", "sq units", "square feet", "square inches", "square meters",
        "square centimeters", "cubic feet", "cubic inches", "cubic centimeters",
        "units", "unit", "cm", "mm", "km", "meters", "meter", "metres", "metre",
        "centimeters", "centimeter", "inches", "inch", "feet", "foot", "ft", "yards", "yard",
        "miles", "mile", "degrees", "degree", "dollars", "dollar", "cents", "cent",
        "hours", "hour", "minutes", "minute", "seconds", "second", "days", "day",
        "weeks", "week", "years", "year", "mph", "kg", "grams", "gram", "pounds", "pound",
        "liters", "liter",
    ].sorted { $0.count > $1.count }

    /// Normalises one answer:
    /// strips `$`, `\left`/`\right`, spacing commands (`\!`, `\,`, `\;`,
    /// `\:`), `^\circ`, `^{\circ}`, `\%`, `\displaystyle`; rewrites
    /// `\dfrac`/`\tfrac` to `\frac` and `\frac12` / `\sqrt2` to braced form;
    /// drops a trailing `\text{...}` unit and trailing unit words, unwraps
    /// other `\text{...}`; removes whitespace and trailing periods; removes
    /// thousands separators from a plain number (`1,000` -> `1000`, a tuple
    /// `(1,2)` is untouched); drops a leading single-letter `x=`.
    /// - Parameter answer: a gold answer or a prediction.
    /// - Returns: the normalised text (possibly empty).
    public static func normalize(_ answer: String) -> String {
        if let plain = normalizePlainNumber(answer) { return plain }
        var text = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        for (from, to) in rewrites {
            text = text.replacingOccurrences(of: from, with: to)
        }
        text = text.replacing(Patterns.leftRight, with: "")
        text = dropTextGroups(text)
        text = dropUnitWords(text)
        text = text.filter { !$0.isWhitespace }
        while text.hasSuffix(".") { text.removeLast() }
        text = text.replacing(Patterns.fracDigits) { "\\frac{\($0.1)}{\($0.2)}" }
        text = text.replacing(Patterns.fracDigitBrace) { "\\frac{\($0.1)}{" }
        text = text.replacing(Patterns.fracBraceDigit) { "\\frac{\($0.1)}{\($0.2)}" }
        text = text.replacing(Patterns.sqrtDigit) { "\\sqrt{\($0.1)}" }
        if text.wholeMatch(of: Patterns.thousands) != nil {
            text = text.replacingOccurrences(of: ",", with: "")
        }
        if let match = text.wholeMatch(of: Patterns.variableAssignment) {
            text = String(match.1)
        }
        return text
    }

    /// The normal form of an answer made only of ASCII digits, `.`, `,`,
    /// `+`, `-` and whitespace (most gsm8k and AIME answers), by the rules
    /// of ``normalize(_:)`` that can apply to it, without its dozen regex
    /// and search passes (7% of an evaluation's CPU in profiles); nil for
    /// any other answer.
    static func normalizePlainNumber(_ answer: String) -> String? {
        var kept: [UInt8] = []
        kept.reserveCapacity(answer.utf8.count)
        var comma = false
        for byte in answer.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"):
                kept.append(byte)
            case UInt8(ascii: ","):
                kept.append(byte)
                comma = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                continue
            default:
                return nil
            }
        }
        while kept.last == UInt8(ascii: ".") { kept.removeLast() }
        var text = String(decoding: kept, as: UTF8.self)
        if comma, text.wholeMatch(of: Patterns.thousands) != nil {
            text = text.replacingOccurrences(of: ",", with: "")
        }
        return text
    }

    /// Drops trailing `\text{...}` (or `\mbox`, `\textbf`) groups that follow
    /// other content, with an optional `^2`/`^3` (units such as
    /// `50\text{ cm}^2`), then unwraps every remaining group to its content.
    static func dropTextGroups(_ input: String) -> String {
        var text = input
        let commands = ["\\text", "\\textbf", "\\mbox", "\\mathrm"]
        while true {
            var trimmed = text.trimmingCharacters(in: .whitespaces)
            for power in ["^{2}", "^{3}", "^2", "^3"] where trimmed.hasSuffix(power) {
                trimmed = String(trimmed.dropLast(power.count))
                break
            }
            guard trimmed.hasSuffix("}"),
                let command = lastGroup(in: trimmed, commands: ["\\text", "\\textbf", "\\mbox"]),
                command.end == trimmed.endIndex,
                !trimmed[..<command.start].trimmingCharacters(in: .whitespaces).isEmpty
            else { break }
            text = String(trimmed[..<command.start])
        }
        while let group = lastGroup(in: text, commands: commands) {
            text.replaceSubrange(group.start..<group.end, with: group.content)
        }
        return text
    }

    /// The last `\command{...}` group among `commands`, with its range.
    private static func lastGroup(
        in text: String, commands: [String]
    ) -> (start: String.Index, end: String.Index, content: String)? {
        var best: (start: String.Index, end: String.Index, content: String)?
        for command in commands {
            var searchEnd = text.endIndex
            while let found = text.range(of: command + "{", options: .backwards, range: text.startIndex..<searchEnd) {
                let open = text.index(before: found.upperBound)
                if let group = AnswerExtraction.balancedGroup(in: text, at: open) {
                    if best.map({ found.lowerBound > $0.start }) ?? true {
                        best = (found.lowerBound, group.end, group.content)
                    }
                    break
                }
                searchEnd = found.lowerBound
            }
        }
        return best
    }

    /// Drops one trailing unit word that follows a number or a brace group
    /// after a space (`12 inches` -> `12`).
    static func dropUnitWords(_ text: String) -> String {
        let lower = text.lowercased()
        for unit in unitWords where lower.hasSuffix(" " + unit) {
            let head = text.dropLast(unit.count).trimmingCharacters(in: .whitespaces)
            guard let last = head.last, last.isNumber || last == "}" else { continue }
            return head
        }
        return text
    }
}
