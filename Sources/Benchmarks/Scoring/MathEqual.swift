/// What the rule-based math check concluded.
public enum MathVerdict: String, Sendable, Hashable, Codable {
    /// The rules prove the answers equal.
    case equal
    /// The rules prove them different (both are numbers, or tuples with a
    /// different length or a differing numeric element).
    case notEqual
    /// The rules cannot tell (e.g. `x^2+2x+1` vs `(x+1)^2`): ask math-verify.
    case undecided
}

/// The fast Swift path of math-equal (BENCHMARKS.md): normalise both sides,
/// then compare strings, numbers (relative tolerance 1e-4, fractions and
/// decimals as values) and tuples / intervals element by element.
public enum MathEqual {
    /// The relative tolerance for numbers: `|a - b| <= 1e-4 * max(|a|, |b|)`.
    public static let relativeTolerance = 1e-4

    /// Compares a gold answer and a prediction.
    /// - Parameters:
    ///   - gold: the gold answer (LaTeX or plain).
    ///   - prediction: the extracted prediction.
    /// - Returns: `.equal` / `.notEqual` when the rules decide, else
    ///   `.undecided`.
    public static func compare(gold: String, prediction: String) -> MathVerdict {
        compareNormalized(
            MathNormalizer.normalize(gold), MathNormalizer.normalize(prediction))
    }

    /// Compares two already normalised answers.
    static func compareNormalized(_ gold: String, _ prediction: String) -> MathVerdict {
        if gold == prediction { return .equal }
        if gold.isEmpty || prediction.isEmpty { return .notEqual }
        let goldTuple = tuple(gold)
        let predictionTuple = tuple(prediction)
        if let goldTuple, let predictionTuple {
            guard goldTuple.open == predictionTuple.open,
                goldTuple.close == predictionTuple.close
            else { return .undecided }
            guard goldTuple.elements.count == predictionTuple.elements.count else {
                return .notEqual
            }
            var verdict = MathVerdict.equal
            for (g, p) in zip(goldTuple.elements, predictionTuple.elements) {
                switch compareNormalized(g, p) {
                case .notEqual: return .notEqual
                case .undecided: verdict = .undecided
                case .equal: break
                }
            }
            return verdict
        }
        let goldValue = numericValue(gold)
        let predictionValue = numericValue(prediction)
        if let goldValue, let predictionValue {
            return numbersEqual(goldValue, predictionValue) ? .equal : .notEqual
        }
        if (goldTuple != nil && predictionValue != nil) || (predictionTuple != nil && goldValue != nil) {
            return .notEqual
        }
        return .undecided
    }

    /// `true` when `a` and `b` agree within the relative tolerance.
    public static func numbersEqual(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= relativeTolerance * max(abs(a), abs(b))
    }

    /// The value of a normalised answer that is a number: a decimal
    /// (`0.5`), a fraction `\frac{a}{b}` (optionally signed) or `a/b` with
    /// decimal `a` and `b`. `nil` otherwise.
    static func numericValue(_ text: String) -> Double? {
        if let value = NumberText.decimal(text) { return value }
        var body = Substring(text)
        var sign = 1.0
        if let first = body.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            body = body.dropFirst()
        }
        if body.hasPrefix("\\frac{") {
            let frac = String(body)
            let open = frac.index(frac.startIndex, offsetBy: 5)
            guard let numerator = AnswerExtraction.balancedGroup(in: frac, at: open),
                let denominator = AnswerExtraction.balancedGroup(in: frac, at: numerator.end),
                denominator.end == frac.endIndex
            else { return nil }
            return quotient(numerator.content, denominator.content).map { sign * $0 }
        }
        let parts = body.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        return quotient(parts[0], parts[1]).map { sign * $0 }
    }

    private static func quotient<S: StringProtocol>(_ a: S, _ b: S) -> Double? {
        guard let numerator = NumberText.decimal(a), let denominator = NumberText.decimal(b),
            denominator != 0
        else { return nil }
        return numerator / denominator
    }

    /// The elements of a tuple or interval such as `(1,2)` or `[0,\pi)`: the
    /// text is wrapped by one bracket pair (round or square, either side) and
    /// has at least two top-level, comma-separated elements.
    static func tuple(
        _ text: String
    ) -> (open: Character, close: Character, elements: [String])? {
        guard let open = text.first, let close = text.last, text.count >= 2,
            "([".contains(open), ")]".contains(close)
        else { return nil }
        let inner = text.dropFirst().dropLast()
        var elements: [String] = []
        var current = ""
        var depth = 0
        for char in inner {
            switch char {
            case "(", "[", "{": depth += 1
            case ")", "]", "}":
                depth -= 1
                if depth < 0 { return nil }  // `(1)+(2)`: not one bracket pair
            default: break
            }
            if char == "," && depth == 0 {
                elements.append(current)
                current = ""
            } else {
                current.append(char)
            }
        }
        elements.append(current)
        guard depth == 0, elements.count >= 2 else { return nil }
        return (open, close, elements)
    }
}
