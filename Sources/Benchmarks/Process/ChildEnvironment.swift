import Foundation

/// The environment a child gets: the server's own minus its secrets.
///
/// A secret is a variable named in `secrets` (the admin token, the web
/// search key, ...) or one whose name ends like a credential
/// (`_TOKEN`, `_KEY`, `_SECRET`, `_PASSWORD`, `_CREDENTIALS`). A child that
/// needs one must be given it explicitly in `extra`.
public enum ChildEnvironment {
    public static let secretSuffixes = ["_TOKEN", "_KEY", "_SECRET", "_PASSWORD", "_CREDENTIALS", "_PASS"]

    /// The server's variables the server itself treats as secrets.
    public static let serverSecrets: Set<String> = ["AEPO_ADMIN_TOKEN", "AEPO_WEB_SEARCH_KEY"]

    /// `base` without secrets, then `extra` on top.
    public static func make(
        from base: [String: String] = ProcessInfo.processInfo.environment, extra: [String: String] = [:]
    ) -> [String: String] {
        base.filter { !isSecret($0.key) }.merging(extra) { _, new in new }
    }

    /// Whether a variable name looks like a credential.
    public static func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return serverSecrets.contains(upper) || secretSuffixes.contains { upper.hasSuffix($0) }
    }
}
