/// The rule-based GAIA scorer (BENCHMARKS.md), used when no LLM judge is
/// configured:
/// - numeric gold: strip `$`, `%` and `,` from the prediction and compare as
///   numbers;
/// - list gold (contains `,` or `;`): split both on `,` / `;`, same length,
///   element by element (numeric elements as numbers, others lower-case
///   without spaces, punctuation kept);
/// - otherwise: lower-case, no whitespace, no punctuation, compared as text.
public enum GAIAScorer {
    /// Whether `prediction` matches `gold` under the GAIA rules.
    /// - Parameters:
    ///   - prediction: the extracted answer.
    ///   - gold: the gold answer.
    public static func isCorrect(prediction: String, gold: String) -> Bool {
        if let goldValue = goldNumber(gold) {
            return predictionNumber(prediction) == goldValue
        }
        if gold.contains(where: { $0 == "," || $0 == ";" }) {
            let goldElements = split(gold)
            let predictionElements = split(prediction)
            guard goldElements.count == predictionElements.count else { return false }
            return zip(goldElements, predictionElements).allSatisfy { g, p in
                if let value = NumberText.decimal(g.trimmed) {
                    return predictionNumber(p) == value
                }
                return normalizeText(p, removePunctuation: false)
                    == normalizeText(g, removePunctuation: false)
            }
        }
        return normalizeText(prediction, removePunctuation: true)
            == normalizeText(gold, removePunctuation: true)
    }

    /// The value of a numeric gold: a plain number, or one written with
    /// thousands groups, `$` or `%` (`1,234`, `$5`, `12%`). A comma that is
    /// not a thousands separator (`1,2`) makes it a list, not a number.
    static func goldNumber(_ gold: String) -> Double? {
        let text = gold.trimmed
        if let value = NumberText.decimal(text) { return value }
        let bare = text.filter { $0 != "$" && $0 != "%" }.trimmed
        if bare.wholeMatch(of: MathNormalizer.Patterns.thousands) != nil
            || (!bare.contains(",") && NumberText.decimal(bare) != nil)
        {
            return NumberText.decimal(bare.filter { $0 != "," })
        }
        return nil
    }

    /// The prediction as a number after removing `$`, `%`, `,` and spaces;
    /// `nil` (never equal) when it is not a number.
    static func predictionNumber(_ prediction: String) -> Double? {
        NumberText.decimal(prediction.filter { !"$%,".contains($0) && !$0.isWhitespace })
    }

    static func split(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "," || $0 == ";" })
            .map(String.init)
    }

    /// Lower case without whitespace and, optionally, without ASCII
    /// punctuation.
    static func normalizeText(_ text: String, removePunctuation: Bool) -> String {
        text.lowercased().filter { char in
            if char.isWhitespace { return false }
            if removePunctuation, char.isASCII, char.isPunctuation || char.isSymbol { return false }
            return true
        }
    }
}
