import ArgumentParser
import Foundation

/// An option that takes either its value inline or `@path` to read it from a
/// file (`--config-json`, `--rollout-config`).
enum InlineOrFileArgument {
    /// The bytes of `value`, or of the file it names after `@`.
    /// - Throws: `ValidationError` when the file cannot be read.
    static func data(_ value: String) throws -> Data {
        guard value.hasPrefix("@") else { return Data(value.utf8) }
        guard let contents = FileManager.default.contents(atPath: String(value.dropFirst())) else {
            throw ValidationError("cannot read \(value.dropFirst())")
        }
        return contents
    }
}
