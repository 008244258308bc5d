import Crypto
import Foundation
import GRDB

/// What a token may do. Reads are public; writes need `write` or `admin`.
package enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case read, write, admin

    private var rank: Int {
        switch self {
        case .read: 0
        case .write: 1
        case .admin: 2
        }
    }

    package static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// One row of `api_token`: a named token known only by its SHA-256.
package struct TokenRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "api_token"

    package var id: Int64?
    package var name: String
    package var role: Role
    package var tokenSHA256: String
    package var createdAt: String
    package var lastUsedAt: String?

    package enum CodingKeys: String, CodingKey {
        case id, name, role
        case tokenSHA256 = "token_sha256"
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
    }

    package enum Columns {
        package static let tokenSHA256 = Column(CodingKeys.tokenSHA256)
        package static let role = Column(CodingKeys.role)
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Creating, hashing and checking API tokens.
package enum Tokens {
    /// A new random token: `aepo_` and 43 base64url characters (256 bits).
    package static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "aepo_" + encoded
    }

    /// The hex SHA-256 of a token, the only form in which tokens are stored.
    package static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hexString
    }

    /// Stores a new token and returns its record.
    @discardableResult
    package static func insert(_ token: String, name: String, role: Role, in db: Database) throws -> TokenRecord {
        var record = TokenRecord(
            name: name, role: role, tokenSHA256: hash(token), createdAt: Timestamp.now())
        try record.insert(db)
        return record
    }

    /// The record of a presented token, if it is known.
    package static func find(_ token: String, in db: Database) throws -> TokenRecord? {
        try TokenRecord.filter(TokenRecord.Columns.tokenSHA256 == hash(token)).fetchOne(db)
    }
}

extension Digest {
    /// Lower-case hex of the digest bytes.
    package var hexString: String {
        self.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

/// ISO-8601 timestamps as stored in the database.
package enum Timestamp {
    package static func now() -> String {
        Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
