import Foundation
import GRDB

/// How the admin token came to be, printed at start-up.
package enum AdminTokenSource: Equatable {
    /// From `AEPO_ADMIN_TOKEN`.
    case environment
    /// Written to this file (mode 0600), generated now or at an earlier start.
    case file(URL)
}

/// Makes sure an admin token exists before the server takes requests.
package enum AdminToken {
    package static let fileName = "admin-token"

    /// Registers `AEPO_ADMIN_TOKEN` when given; otherwise keeps the token in
    /// `<data-dir>/admin-token` if the database knows it, or generates a new
    /// one, stores its hash and writes it to that file with mode 0600.
    package static func ensure(
        environmentToken: String?, dataDirectory: URL, database: AppDatabase
    ) async throws -> AdminTokenSource {
        if let token = environmentToken, !token.isEmpty {
            try await database.writer.write { db in
                if try Tokens.find(token, in: db) == nil {
                    try Tokens.insert(token, name: "admin (AEPO_ADMIN_TOKEN)", role: .admin, in: db)
                }
            }
            return .environment
        }
        let file = dataDirectory.appendingPathComponent(fileName)
        if let existing = try? String(contentsOf: file, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), !existing.isEmpty
        {
            let known = try await database.writer.read { db in try Tokens.find(existing, in: db) }
            if known?.role == .admin { return .file(file) }
        }
        let token = Tokens.generate()
        try await database.writer.write { db in
            try Tokens.insert(token, name: "admin (generated)", role: .admin, in: db)
        }
        try writePrivately(token + "\n", to: file)
        return .file(file)
    }

    /// Writes `text` to a file readable only by its owner.
    package static func writePrivately(_ text: String, to file: URL) throws {
        let fd = open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXFileError(operation: "open", path: file.path, code: errno) }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else { throw POSIXFileError(operation: "chmod", path: file.path, code: errno) }
        try FileDescriptorWriter(fd: fd, path: file.path).write(Array(text.utf8))
    }
}
