import Foundation

/// Validation of a model endpoint's base URL (`http(s)://host[:port]/v1`).
package enum EndpointURL {
    package static func validate(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else {
            throw CoreError.invalid(
                "invalid_endpoint", "endpoint.url must be an http(s) URL such as http://host:8000/v1")
        }
        return trimmed.hasSuffix("/") ? String(trimmed.dropLast()) : trimmed
    }
}
