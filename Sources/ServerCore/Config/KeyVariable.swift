/// The one policy for the environment variables keys are read from (a
/// registered endpoint's, the judge's and the summariser's `api_key_env`,
/// the deep search's `key_env`): a request names a variable of the server's
/// environment (``ServerConfig/environment``), never the key itself, and the
/// key is sent only to the URL it is for as `Authorization: Bearer <key>`
/// (or the search API's own header).
///
/// A name must be upper case (`^[A-Z][A-Z0-9_]*$`), end in `KEY` and not be
/// one of the server's own variables, so that a request cannot have the
/// admin token (or the data directory's path) sent to a URL it chooses, and
/// a key pasted by mistake (mixed-case or hex) is refused instead of stored.
package enum KeyVariable {
    /// The variables the server reads for itself (`ServerConfig`, the CLI).
    package static let serverVariables: Set<String> = ["AEPO_ADMIN_TOKEN", "AEPO_TOKEN", "AEPO_DATA_DIR", "AEPO_PYTHON"]
    /// The longest name accepted.
    package static let maxLength = 100

    /// The rule, as error messages state it.
    package static let rule =
        "upper-case letters, digits and _, starting with a letter and ending in KEY (e.g. VLLM_KEY, OPENAI_API_KEY), "
        + "at most \(maxLength) characters, not one of the server's own variables "
        + "(\(serverVariables.sorted().joined(separator: ", "))); the key itself never goes in a request"

    /// Whether `name` follows the policy. Pure.
    package static func isAllowed(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (0x41...0x5A).contains(first), bytes.count <= maxLength else { return false }
        let allowed = bytes.allSatisfy { (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
        return allowed && name.hasSuffix("KEY") && !serverVariables.contains(name)
    }

    /// `name` when it follows the policy.
    /// - Parameters:
    ///   - field: the request field, named in the error (`endpoint.api_key_env`).
    ///   - code: the error code (`invalid_endpoint`, `invalid_evaluation`).
    /// - Throws: `CoreError.invalid` stating the rule.
    package static func validate(_ name: String, field: String, code: String) throws -> String {
        guard isAllowed(name) else {
            throw CoreError.invalid(code, "\(field) must name an environment variable of the server: \(rule)")
        }
        return name
    }

    /// The value of the variable `name` in `environment`, which must be set
    /// and not empty.
    /// - Parameter use: what needs it, for the error (`the judge`).
    /// - Throws: `CoreError.invalid("not_configured")` naming the variable, never a value.
    package static func value(of name: String, in environment: [String: String], for use: String) throws -> String {
        guard let value = environment[name], !value.isEmpty else {
            throw CoreError.invalid("not_configured", "\(use) needs \(name) in the server's environment")
        }
        return value
    }
}
