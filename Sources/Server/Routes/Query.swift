import Hummingbird
import ServerCore

/// Reading query and path parameters with 400s that say what was wrong.
enum Query {
    static func integer(_ request: Request, _ key: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters[Substring(key)] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badRequest("invalid_parameter", "\(key) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    /// An optional id or cursor: every id is positive, so 0 and below are 400s.
    static func optionalInteger(_ request: Request, _ key: String) throws -> Int? {
        guard let text = request.uri.queryParameters[Substring(key)] else { return nil }
        guard let number = Int(text), number >= 1 else {
            throw APIError.badRequest("invalid_parameter", "\(key) must be a positive integer")
        }
        return number
    }

    /// A numeric id from the path; anything else is an unknown id (404).
    static func pathID(_ context: some RequestContext, _ key: String) throws -> Int64 {
        let text = context.parameters.get(key) ?? ""
        guard let id = Int64(text), id > 0 else { throw APIError.notFound("no such id: \(text)") }
        return id
    }
}
