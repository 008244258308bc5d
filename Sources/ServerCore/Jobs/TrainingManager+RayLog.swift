import Foundation
import Logging

/// Reading a Ray job's driver log on from the byte offset stored with its
/// events. The follower reads byte ranges of the file from the agent of
/// the driver's node (``RayJobsClient/driverLog(agent:submissionID:from:maxBytes:)``),
/// so a poll costs what was printed since the last one, however long the
/// log has grown; when that agent does not serve the file or cannot be
/// reached from here, it reads Ray's whole-log endpoint instead, as before.
extension TrainingManager {
    /// How one follower reads its job's log; chosen once per follower, so
    /// the offset's meaning does not change under it.
    enum RayLogReader: Sendable, Equatable {
        /// Not known yet: the agent has not answered so far `misses` times.
        case undecided(misses: Int)
        /// Byte ranges from the driver's node agent.
        case agent
        /// `GET /api/jobs/{id}/logs`, the whole log per poll.
        case wholeLog
    }

    /// The most read in one request (a poll asks again until it is at the end).
    static let rayLogChunk = 1 << 20
    /// Polls without an answer from the agent before the whole-log endpoint is used.
    static let rayLogMisses = 10

    /// Stores job `id`'s log lines printed after `offset` and advances it
    /// (also when a later part fails, so what was stored is not read again).
    func readRayLog(
        _ id: Int64, ray: RayLaunch, client: RayJobsClient, info: RayJobInfo, offset: inout Int64, final: Bool,
        reader: inout RayLogReader
    ) async throws {
        if case .undecided(let misses) = reader {
            // Not on a node yet (pending): nothing printed but Ray's own lines.
            guard let agent = info.driverAgentHTTPAddress else {
                if final { reader = .wholeLog } else { return }
                return try await readWholeRayLog(id, ray: ray, client: client, offset: &offset, final: final)
            }
            do {
                try await readRayLogRanges(id, agent: agent, ray: ray, client: client, offset: &offset, final: final)
                reader = .agent
                return
            } catch let error as RayLogUnavailable {
                reader = .undecided(misses: misses + 1)
                guard final || misses + 1 >= Self.rayLogMisses else { return }
                logger.warning(
                    "reading a Ray job's whole log on every poll: its node's agent does not serve it",
                    metadata: ["training.id": "\(id)", "ray.submission_id": "\(ray.submissionID)", "reason": "\(error.reason)"])
                reader = .wholeLog
            }
        }
        switch reader {
        case .wholeLog:
            try await readWholeRayLog(id, ray: ray, client: client, offset: &offset, final: final)
        case .agent:
            guard let agent = info.driverAgentHTTPAddress else { return }
            do {
                try await readRayLogRanges(id, agent: agent, ray: ray, client: client, offset: &offset, final: final)
            } catch let error as RayLogUnavailable {
                // It served the file before: a passing failure, retried next poll.
                throw RayJobsError.unreachable(address: agent, reason: error.reason)
            }
        case .undecided:
            return
        }
    }

    /// The agent did not serve the log (the reason is logged).
    struct RayLogUnavailable: Error { let reason: String }

    /// Reads the driver log from `offset` to its end in bounded ranges.
    /// A log shorter than `offset` (truncated or replaced) is read again
    /// from the start, saying so in the job's log: the store skips the
    /// metric steps it has, log lines come again.
    private func readRayLogRanges(
        _ id: Int64, agent: String, ray: RayLaunch, client: RayJobsClient, offset: inout Int64, final: Bool
    ) async throws {
        var restarted = false
        while !Task.isCancelled, !stopped {
            let read: RayLogRead
            do {
                read = try await client.driverLog(agent: agent, submissionID: ray.submissionID, from: offset, maxBytes: Self.rayLogChunk)
            } catch RayJobsError.unreachable(_, let reason) {
                throw RayLogUnavailable(reason: reason)
            }
            switch read {
            case .unavailable(let reason):
                throw RayLogUnavailable(reason: reason)
            case .end(let size) where size < offset && !restarted:
                restarted = true
                let note = "aepo: the Ray job's log has \(size) bytes, fewer than the \(offset) already read "
                    + "(truncated or replaced); reading it again from the start"
                try await ingester.ingest(
                    job: id, lines: [note], source: Self.rayLogSource, position: OutputFile.Position(offset: 0),
                    logLimit: settings.logLimit)
                offset = 0
            case .end:
                return
            case .bytes(let bytes, let size):
                let atEnd = size.map { offset + Int64(bytes.count) >= $0 } ?? (bytes.count < Self.rayLogChunk)
                let (lines, consumed) = RayLogLines.lines(of: bytes[...], final: final && atEnd, whole: bytes.count >= Self.rayLogChunk)
                if consumed > 0 {
                    try await ingester.ingest(
                        job: id, lines: lines, source: Self.rayLogSource,
                        position: OutputFile.Position(offset: offset + Int64(consumed)), logLimit: settings.logLimit)
                    offset += Int64(consumed)
                }
                if atEnd || consumed == 0 { return }
            }
        }
    }

    /// The old way, for agents that do not serve the file: the whole log,
    /// of which the part after `offset` is stored. (Ray reads the file as
    /// text, so a `\r\n` counts one byte here and two in a range read.)
    private func readWholeRayLog(_ id: Int64, ray: RayLaunch, client: RayJobsClient, offset: inout Int64, final: Bool) async throws {
        let log = try await client.logs(ray.submissionID)
        let (lines, next) = RayLogLines.lines(of: log, from: offset, final: final)
        guard next != offset else { return }
        try await ingester.ingest(
            job: id, lines: lines, source: Self.rayLogSource, position: OutputFile.Position(offset: next), logLimit: settings.logLimit)
        offset = next
    }
}
