import Crypto
import Foundation

/// The chat template an endpoint's model was registered with: the template
/// text and the special tokens (`bos_token`, ...) it is rendered with.
package struct EndpointChatTemplate: Sendable, Equatable {
    package var source: String
    package var specialTokens: [String: String]

    package init(source: String, specialTokens: [String: String]) {
        self.source = source
        self.specialTokens = specialTokens
    }

    /// SHA-256 of the template text (what an evaluation's config records).
    package var sha256: String { Self.sha256(of: source) }

    /// SHA-256 of a template's text, in lower-case hex.
    package static func sha256(of source: String) -> String {
        SHA256.hash(data: Data(source.utf8)).hexString
    }
}
