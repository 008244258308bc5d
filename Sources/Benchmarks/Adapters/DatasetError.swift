/// Why a benchmark file could not be read. Every problem with an item names
/// the file and the 1-based line where that item starts.
public enum DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file has no items (no bytes, only whitespace, or `[]`).
    case empty(file: String)
    /// The bytes are not UTF-8 text.
    case notUTF8(file: String)
    /// One item (or the JSON array around the items) is malformed.
    case malformed(file: String, line: Int, problem: Problem)

    /// What is wrong with a line.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The text is not valid JSON; the payload says more.
        case invalidJSON(String)
        /// Valid JSON but not an object.
        case notAnObject
        /// No non-empty `question`, `Question` or `problem` string.
        case missingQuestion
        /// No answer field, or an empty one.
        case missingAnswer
        /// The answer has a shape the adapters do not accept.
        case invalidAnswer(String)
        /// gsm8k: the rationale has no `#### N` line.
        case missingGSM8KMarker
        /// The id was already used by the item at `firstLine`.
        case duplicateID(String, firstLine: Int)
        /// A JSON array that is not closed or not separated by commas.
        case malformedArray(String)

        public var description: String {
            switch self {
            case .invalidJSON(let detail): return "invalid JSON (\(detail))"
            case .notAnObject: return "not a JSON object"
            case .missingQuestion: return "missing question (expected `question`, `Question` or `problem`)"
            case .missingAnswer: return "missing answer (expected `answer`)"
            case .invalidAnswer(let detail): return "invalid answer: \(detail)"
            case .missingGSM8KMarker: return "gsm8k answer has no `#### N` line"
            case .duplicateID(let id, let first): return "duplicate id \"\(id)\" (first used on line \(first))"
            case .malformedArray(let detail): return "malformed JSON array: \(detail)"
            }
        }
    }

    /// The line the error refers to, if any.
    public var line: Int? {
        if case .malformed(_, let line, _) = self { return line }
        return nil
    }

    public var description: String {
        switch self {
        case .empty(let file): return "\(file): the file has no items"
        case .notUTF8(let file): return "\(file): not UTF-8 text"
        case .malformed(let file, let line, let problem): return "\(file) line \(line): \(problem)"
        }
    }
}
