import Foundation

/// Validation of a model endpoint's base URL (`http(s)://host[:port]/v1`).
package enum EndpointURL {
    /// The longest URL accepted (as for a reported result's `source_url`).
    package static let maxLength = 2000

    package static func validate(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.utf8.count <= maxLength, let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else {
            throw CoreError.invalid(
                "invalid_endpoint", "endpoint.url must be an http(s) URL such as http://host:8000/v1, at most \(maxLength) characters")
        }
        return trimmed.hasSuffix("/") ? String(trimmed.dropLast()) : trimmed
    }
}
