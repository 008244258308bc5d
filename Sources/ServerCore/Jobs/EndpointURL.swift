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

    /// The most replicas an endpoint lists.
    package static let maxReplicas = 64

    /// An endpoint's replicas from a registration's `url` or `urls` (exactly
    /// one of them): each validated, 1-64 of them, no two the same.
    package static func validateReplicas(url: String?, urls: [String]?) throws -> [String] {
        let given: [String]
        switch (url, urls) {
        case (let url?, nil): given = [url]
        case (nil, let urls?): given = urls
        case (nil, nil):
            throw CoreError.invalid("invalid_endpoint", "endpoint needs url (one server) or urls (its replicas)")
        case (_?, _?):
            throw CoreError.invalid("invalid_endpoint", "give endpoint.url or endpoint.urls, not both")
        }
        guard (1...maxReplicas).contains(given.count) else {
            throw CoreError.invalid("invalid_endpoint", "endpoint.urls must list 1 to \(maxReplicas) replicas")
        }
        var replicas: [String] = []
        for (index, text) in given.enumerated() {
            let replica: String
            do {
                replica = try validate(text)
            } catch {
                guard urls != nil else { throw error }
                throw CoreError.invalid(
                    "invalid_endpoint", "endpoint.urls[\(index)] must be an http(s) URL such as http://host:8000/v1, at most \(maxLength) characters")
            }
            guard !replicas.contains(replica) else {
                throw CoreError.invalid("invalid_endpoint", "endpoint.urls lists \(replica) twice")
            }
            replicas.append(replica)
        }
        return replicas
    }
}
