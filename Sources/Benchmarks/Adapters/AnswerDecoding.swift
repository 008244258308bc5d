import Foundation

/// Reads gold answers in every shape the published files use.
enum AnswerDecoding {
    /// The gold aliases of an answer field.
    /// - Parameters:
    ///   - value: the answer field: a string, a number, a list of aliases, or
    ///     (for `.aliases`) a list written as a string such as `"['a', 'b']"`.
    ///   - format: how the benchmark writes its answers.
    /// - Returns: one or more non-empty aliases, trimmed.
    static func answers(
        from value: JSONValue, format: BenchmarkSpec.AnswerFormat
    ) throws(DatasetError.Problem) -> [String] {
        switch value {
        case .null:
            throw .missingAnswer
        case .bool, .object:
            throw .invalidAnswer("expected a string, a number or a list of aliases")
        case .number:
            return [value.scalarText ?? ""]
        case .array(let elements):
            var aliases: [String] = []
            for element in elements {
                switch element {
                case .string, .number:
                    let text = trimmed(element.scalarText ?? "")
                    if !text.isEmpty { aliases.append(text) }
                default:
                    throw .invalidAnswer("a list element is not a string or a number")
                }
            }
            guard !aliases.isEmpty else { throw .missingAnswer }
            return aliases
        case .string(let raw):
            let text = trimmed(raw)
            guard !text.isEmpty else { throw .missingAnswer }
            switch format {
            case .latex:
                return [text]
            case .gsm8kRationale:
                return [try gsm8kGold(text)]
            case .aliases:
                if let list = ListLiteral.parse(text) {
                    let aliases = list.map(trimmed).filter { !$0.isEmpty }
                    guard !aliases.isEmpty else { throw .missingAnswer }
                    return aliases
                }
                return [text]
            }
        }
    }

    /// The gold of a gsm8k rationale: the text after its last `####`, with
    /// thousands commas removed (`#### 1,234` -> `1234`).
    static func gsm8kGold(_ rationale: String) throws(DatasetError.Problem) -> String {
        guard let marker = rationale.range(of: "####", options: .backwards) else {
            throw .missingGSM8KMarker
        }
        let gold = trimmed(String(rationale[marker.upperBound...]))
            .replacingOccurrences(of: ",", with: "")
        guard !gold.isEmpty else { throw .missingGSM8KMarker }
        return gold
    }

    private static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
