import AsyncHTTPClient
import Benchmarks
import Foundation
import NIOCore
import NIOHTTP1

/// What `POST /api/jobs/` submits: an entrypoint run by the cluster under a
/// submission id aepo chooses (so it is recorded before the call, and a
/// restarted server finds the job by it).
package struct RayJobSubmission: Sendable, Equatable {
    package var submissionID: String
    /// The argv; quoted into the shell command line Ray runs.
    package var entrypoint: [String]
    /// `working_dir` (a URI: a local directory is uploaded first), `env_vars`, `pip`, ...
    package var runtimeEnvironment: [String: JSONValue] = [:]
    package var numGPUs: Double?
    package var numCPUs: Double?
    /// Shown in Ray's dashboard and `ray job list`.
    package var metadata: [String: String] = [:]

    package init(submissionID: String, entrypoint: [String]) {
        self.submissionID = submissionID
        self.entrypoint = entrypoint
    }
}

/// A client of the Ray Jobs REST API of one cluster's dashboard
/// (`http://head:8265`): submit, describe, read logs, stop, and upload a
/// working-directory package. The API is what `ray job submit` uses; no
/// Ray installation is needed on aepo's side.
package struct RayJobsClient: Sendable {
    /// The dashboard's base URL, without a trailing `/`.
    package let address: String
    private let client: HTTPClient
    private let timeout: TimeAmount

    /// - Parameter address: the dashboard, e.g. `http://10.0.0.2:8265`.
    /// - Throws: ``RayJobsError/unreachable(address:reason:)`` for an address that is not an http(s) URL.
    package init(address: String, client: HTTPClient = RetryingHTTPClient.defaultClient, timeout: Duration = .seconds(30)) throws {
        var trimmed = address.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw RayJobsError.unreachable(address: address, reason: "the address must be an http:// or https:// URL of the dashboard")
        }
        self.address = trimmed
        self.client = client
        let (seconds, attoseconds) = timeout.components
        self.timeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Submits `job`.
    /// - Throws: ``RayJobsError/duplicate(submissionID:)`` when the id is taken.
    package func submit(_ job: RayJobSubmission) async throws {
        var body: [String: JSONValue] = [
            "entrypoint": .string(RayEntrypoint.command(job.entrypoint)),
            "submission_id": .string(job.submissionID),
        ]
        if !job.runtimeEnvironment.isEmpty { body["runtime_env"] = .object(job.runtimeEnvironment) }
        if let gpus = job.numGPUs { body["entrypoint_num_gpus"] = .number(gpus) }
        if let cpus = job.numCPUs { body["entrypoint_num_cpus"] = .number(cpus) }
        if !job.metadata.isEmpty { body["metadata"] = .object(job.metadata.mapValues { .string($0) }) }
        let (status, answer) = try await send(.POST, "/api/jobs/", body: try JSONEncoder().encode(JSONValue.object(body)))
        if status >= 400, answer.contains("already exists") { throw RayJobsError.duplicate(submissionID: job.submissionID) }
        try Self.check(status, answer)
    }

    /// The job's state.
    package func info(_ submissionID: String) async throws -> RayJobInfo {
        let (status, answer) = try await send(.GET, "/api/jobs/\(Self.escape(submissionID))")
        if status == 404 { throw RayJobsError.unknownJob(submissionID: submissionID) }
        try Self.check(status, answer)
        do {
            return try JSONDecoder().decode(RayJobInfo.self, from: Data(answer.utf8))
        } catch {
            throw RayJobsError.invalidResponse(String(answer.prefix(300)))
        }
    }

    /// Every job the cluster knows.
    package func list() async throws -> [RayJobInfo] {
        let (status, answer) = try await send(.GET, "/api/jobs/")
        try Self.check(status, answer)
        do {
            return try JSONDecoder().decode([RayJobInfo].self, from: Data(answer.utf8))
        } catch {
            throw RayJobsError.invalidResponse(String(answer.prefix(300)))
        }
    }

    /// Everything the job's entrypoint printed so far (stdout and stderr merged).
    package func logs(_ submissionID: String) async throws -> String {
        struct Logs: Decodable { let logs: String }
        let (status, answer) = try await send(.GET, "/api/jobs/\(Self.escape(submissionID))/logs")
        if status == 404 { throw RayJobsError.unknownJob(submissionID: submissionID) }
        try Self.check(status, answer)
        guard let logs = try? JSONDecoder().decode(Logs.self, from: Data(answer.utf8)) else {
            throw RayJobsError.invalidResponse(String(answer.prefix(300)))
        }
        return logs.logs
    }

    /// Asks Ray to stop the job (SIGTERM to its entrypoint, SIGKILL after
    /// Ray's own grace); returns whether it was still running.
    @discardableResult
    package func stop(_ submissionID: String) async throws -> Bool {
        struct Stopped: Decodable { let stopped: Bool }
        let (status, answer) = try await send(.POST, "/api/jobs/\(Self.escape(submissionID))/stop", body: Data())
        if status == 404 { throw RayJobsError.unknownJob(submissionID: submissionID) }
        try Self.check(status, answer)
        return (try? JSONDecoder().decode(Stopped.self, from: Data(answer.utf8)))?.stopped ?? false
    }

    /// Uploads `package` unless the cluster has it; returns its URI.
    package func upload(_ package: RayPackage) async throws -> String {
        let path = "/api/packages/" + package.uri.replacingOccurrences(of: "://", with: "/")
        let (existing, _) = try await send(.GET, path)
        if existing == 200 { return package.uri }
        let (status, answer) = try await send(.PUT, path, body: package.archive, contentType: "application/zip")
        try Self.check(status, answer)
        return package.uri
    }

    /// The cluster's Ray version (`GET /api/version`).
    package func version() async throws -> String {
        struct Version: Decodable {
            let rayVersion: String?
            enum CodingKeys: String, CodingKey { case rayVersion = "ray_version" }
        }
        let (status, answer) = try await send(.GET, "/api/version")
        try Self.check(status, answer)
        return (try? JSONDecoder().decode(Version.self, from: Data(answer.utf8)))?.rayVersion ?? "unknown"
    }

    // MARK: - HTTP

    private func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String = "application/json")
        async throws -> (Int, String)
    {
        var request = HTTPClientRequest(url: address + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await client.execute(request, timeout: timeout)
            let buffer = try await response.body.collect(upTo: 64 << 20)
            return (Int(response.status.code), String(buffer: buffer))
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            throw RayJobsError.unreachable(address: address, reason: "\(error)")
        }
    }

    /// GETs bytes `range` (`first-last`, inclusive) of `url` (any host: a
    /// node's agent too). The body is read only for a 206 or an error
    /// status, at most `limit` bytes: a 200 means the range was ignored,
    /// and its body may be the whole file.
    func getRange(_ url: String, range: String, limit: Int) async throws -> (status: Int, headers: HTTPHeaders, body: ByteBuffer) {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Range", value: "bytes=" + range)
        do {
            let response = try await client.execute(request, timeout: timeout)
            let status = Int(response.status.code)
            if status == 200 { return (status, response.headers, ByteBuffer()) }
            let buffer = try await response.body.collect(upTo: limit)
            return (status, response.headers, buffer)
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            throw RayJobsError.unreachable(address: url, reason: "\(error)")
        }
    }

    static func check(_ status: Int, _ answer: String) throws {
        guard (200..<300).contains(status) else {
            throw RayJobsError.rejected(status: status, message: message(answer))
        }
    }

    /// The dashboard answers errors with a Python traceback: its last line is the message.
    static func message(_ answer: String) -> String {
        let lines = answer.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let text = answer.hasPrefix("Traceback") ? lines.last ?? answer : answer
        return String(text.prefix(500))
    }

    static func escape(_ component: String) -> String {
        component.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? component
    }
}
