import Foundation

/// Turns one decoded JSON object into a `DatasetItem`, following the field
/// names of the published benchmark files (BENCHMARKS.md).
enum ItemDecoder {
    /// Question fields, first match wins (`Question` is GAIA's).
    static let questionKeys = ["question", "Question", "problem"]
    /// Answer fields, first present wins.
    static let answerKeys = ["answer", "answers", "golden_answers", "Final answer"]
    /// Id fields, first present non-empty scalar wins.
    static let idKeys = ["id", "task_id", "idx"]

    /// Builds an item from a JSON object.
    /// - Parameters:
    ///   - object: the decoded line.
    ///   - spec: the benchmark (for its answer format).
    ///   - fallbackID: the id used when the object has none.
    ///   - line: the line the object starts on.
    /// - Throws: the problem found, for the caller to attach file and line to.
    static func item(
        from object: [String: JSONValue], spec: BenchmarkSpec, fallbackID: Int, line: Int
    ) throws(DatasetError.Problem) -> DatasetItem {
        var metadata = object
        guard
            let questionKey = questionKeys.first(where: { key in
                guard let text = object[key]?.stringValue else { return false }
                return !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            }),
            let question = metadata.removeValue(forKey: questionKey)?.stringValue
        else { throw .missingQuestion }

        guard let answerKey = answerKeys.first(where: { object[$0] != nil }),
            let answerValue = metadata.removeValue(forKey: answerKey)
        else { throw .missingAnswer }
        let answers = try AnswerDecoding.answers(from: answerValue, format: spec.answerFormat)

        var id = String(fallbackID)
        if let idKey = idKeys.first(where: { key in
            guard let text = object[key]?.scalarText else { return false }
            return !text.isEmpty
        }), let text = metadata.removeValue(forKey: idKey)?.scalarText {
            id = text
        }
        return DatasetItem(
            id: id, question: question, answers: answers, metadata: metadata, line: line)
    }
}
