/// A failure of the domain core that the caller can act on: a request that
/// is invalid, names something missing or conflicts with what exists.
///
/// The core knows nothing of HTTP; the server maps ``Kind`` to a status in
/// one place (`APIError.init(mapping:)`), keeping `code` and `message`.
package struct CoreError: Error, Equatable, Sendable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// The input is wrong (a 400 over HTTP).
        case invalid
        /// What the input names does not exist (404).
        case notFound
        /// The input contradicts what is stored (409).
        case conflict
        /// The server's own configuration is broken (500): not the caller's fault.
        case misconfigured
    }

    package let kind: Kind
    /// A stable machine-readable code such as `invalid_evaluation`.
    package let code: String
    /// What went wrong, for a person.
    package let message: String

    package init(_ kind: Kind, _ code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    package var description: String { "\(code): \(message)" }

    package static func invalid(_ code: String, _ message: String) -> CoreError { .init(.invalid, code, message) }
    package static func notFound(_ message: String) -> CoreError { .init(.notFound, "not_found", message) }
    package static func conflict(_ message: String) -> CoreError { .init(.conflict, "conflict", message) }
    package static func misconfigured(_ code: String, _ message: String) -> CoreError { .init(.misconfigured, code, message) }
}
