import Foundation
import NIOCore
import NIOHTTP1

/// What one bounded read of a Ray job's driver log found.
package enum RayLogRead: Sendable, Equatable {
    /// The bytes from the offset asked for (at most the bound), and the
    /// file's size when the agent said it.
    case bytes([UInt8], size: Int64?)
    /// Nothing at the offset asked for: the file has `size` bytes (fewer
    /// than the offset when it was truncated or replaced).
    case end(size: Int64)
    /// The agent does not serve the file, or ignores byte ranges.
    case unavailable(String)
}

/// Bounded reads of a job's driver log. Ray's `GET /api/jobs/{id}/logs`
/// answers the whole log on every call; the dashboard agent of the node
/// the driver runs on serves the same file (`job-driver-<submission id>.log`
/// in its session's log directory) under `/logs/`, honouring HTTP byte
/// ranges, so a follower fetches only what it has not read yet, and a 416
/// answer's `Content-Range: bytes */<size>` tells it the file's size.
extension RayJobsClient {
    /// Reads at most `maxBytes` of job `submissionID`'s driver log from
    /// byte `offset`, from the agent at `agent` (the job's
    /// `driver_agent_http_address`).
    /// - Throws: ``RayJobsError/unreachable(address:reason:)`` when the agent
    ///   cannot be reached; ``RayJobsError/rejected(status:message:)`` for an
    ///   error status other than 404.
    package func driverLog(agent: String, submissionID: String, from offset: Int64, maxBytes: Int) async throws -> RayLogRead {
        var base = agent
        while base.hasSuffix("/") { base.removeLast() }
        let url = base + "/logs/job-driver-\(Self.escape(submissionID)).log"
        let (status, headers, body) = try await getRange(
            url, range: "\(offset)-\(offset + Int64(max(maxBytes, 1)) - 1)", limit: max(maxBytes, 1) + 4096)
        switch status {
        case 206:
            return .bytes(Array(buffer: body), size: Self.size(contentRange: headers.first(name: "Content-Range")))
        case 416:
            guard let size = Self.size(contentRange: headers.first(name: "Content-Range")) else {
                return .unavailable("the agent answered 416 without the file's size")
            }
            return .end(size: size)
        case 200:
            return .unavailable("the agent at \(base) ignores byte ranges")
        case 404:
            return .unavailable("the agent at \(base) does not serve \(url)")
        default:
            try Self.check(status, String(buffer: body))
            return .unavailable("the agent at \(base) answered \(status)")
        }
    }

    /// The complete length in a `Content-Range` header (`bytes 0-9/120`,
    /// `bytes */120`), or nil when absent or unknown (`*`).
    package static func size(contentRange: String?) -> Int64? {
        guard let value = contentRange?.trimmingCharacters(in: .whitespaces), value.lowercased().hasPrefix("bytes "),
            let slash = value.lastIndex(of: "/")
        else { return nil }
        return Int64(value[value.index(after: slash)...].trimmingCharacters(in: .whitespaces))
    }
}
