import Benchmarks
import Crypto
import Foundation

/// An evaluation's own system prompts (issue 13, prompts as configuration):
/// given inline (`"prompt":{"system":"…","system_zh":"…"}`) or by the name
/// of a prompt an admin stored (`"prompt":"name"`). The texts are copied
/// into the evaluation's configuration with their SHA-256, so a stored
/// prompt changed later never changes a running or finished evaluation.
package struct PromptSettings: Codable, Sendable, Hashable {
    /// The stored prompt's name, when given by name.
    package var name: String?
    /// The system prompt.
    package var system: String
    /// The system prompt of the Chinese benchmarks (xbench); nil: `system`.
    package var systemZh: String?
    /// SHA-256 of the texts (``PromptSettings/digest(system:systemZh:)``).
    package var sha256: String

    package enum CodingKeys: String, CodingKey {
        case name, system, sha256
        case systemZh = "system_zh"
    }

    package init(name: String? = nil, system: String, systemZh: String? = nil) {
        self.name = name
        self.system = system
        self.systemZh = systemZh
        self.sha256 = Self.digest(system: system, systemZh: systemZh)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(system, forKey: .system)
        try container.encode(systemZh, forKey: .systemZh)
        try container.encode(sha256, forKey: .sha256)
    }

    /// The system prompt of a sample of `spec`.
    package func system(for spec: BenchmarkSpec) -> String {
        spec.language == .zh ? (systemZh ?? system) : system
    }

    /// SHA-256 (hex) of the canonical JSON `{"system":…,"system_zh":…}`.
    package static func digest(system: String, systemZh: String?) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(["system": system, "system_zh": systemZh ?? ""])) ?? Data(system.utf8)
        return SHA256.hash(data: data).hexString
    }
}

/// A request's `prompt`: a stored prompt's name, or the texts inline.
package enum PromptReference: Decodable, Sendable, Equatable {
    case named(String)
    case inline(system: String, systemZh: String?)

    private enum Keys: String, CodingKey, CaseIterable {
        case system
        case systemZh = "system_zh"
    }

    package init(from decoder: any Decoder) throws {
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            self = .named(name)
            return
        }
        try RequestKeys.reject(decoder, allowing: Keys.allCases.map(\.rawValue), in: "prompt")
        let container = try decoder.container(keyedBy: Keys.self)
        self = .inline(
            system: try container.decode(String.self, forKey: .system),
            systemZh: try container.decodeIfPresent(String.self, forKey: .systemZh))
    }
}
