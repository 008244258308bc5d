import Foundation

/// A Ray job as `GET /api/jobs/{submission_id}` describes it.
package struct RayJobInfo: Decodable, Sendable, Equatable {
    /// The job's lifecycle state.
    package enum Status: String, Decodable, Sendable {
        case pending = "PENDING"
        case running = "RUNNING"
        case stopped = "STOPPED"
        case succeeded = "SUCCEEDED"
        case failed = "FAILED"

        /// Whether the job is over (its entrypoint no longer runs).
        package var isTerminal: Bool { self == .stopped || self == .succeeded || self == .failed }
    }

    /// Nil for drivers that connected with `ray.init` rather than being submitted.
    package var submissionID: String?
    package var status: Status
    package var message: String?
    /// e.g. `JOB_SUPERVISOR_ACTOR_START_FAILURE`, `JOB_ENTRYPOINT_COMMAND_ERROR`.
    package var errorType: String?
    /// The entrypoint's exit code once it exited (Ray 2.40 and later).
    package var driverExitCode: Int?
    /// Milliseconds since the epoch.
    package var startTime: Int64?
    package var endTime: Int64?
    /// The address of the node the entrypoint runs on (`http://ip:port` of its agent).
    package var driverAgentHTTPAddress: String?

    enum CodingKeys: String, CodingKey {
        case status, message
        case submissionID = "submission_id"
        case errorType = "error_type"
        case driverExitCode = "driver_exit_code"
        case startTime = "start_time"
        case endTime = "end_time"
        case driverAgentHTTPAddress = "driver_agent_http_address"
    }

    package init(submissionID: String?, status: Status, message: String? = nil) {
        self.submissionID = submissionID
        self.status = status
        self.message = message
    }

    /// The node's IP address, from the agent's address.
    package var driverNodeIP: String? {
        guard let address = driverAgentHTTPAddress, let url = URL(string: address) else { return nil }
        return url.host
    }
}
