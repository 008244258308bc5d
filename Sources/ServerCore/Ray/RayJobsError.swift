import Foundation

/// A Ray Jobs API call that did not do what was asked.
package enum RayJobsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The dashboard could not be reached (address wrong, cluster down).
    case unreachable(address: String, reason: String)
    /// The dashboard answered with an error status.
    case rejected(status: Int, message: String)
    /// A job with this submission id already exists.
    case duplicate(submissionID: String)
    /// No job has this submission id.
    case unknownJob(submissionID: String)
    /// The working directory cannot be packaged for the cluster.
    case package(String)
    /// The dashboard answered something that is not the API's JSON.
    case invalidResponse(String)

    package var description: String {
        switch self {
        case .unreachable(let address, let reason): "the Ray dashboard at \(address) cannot be reached: \(reason)"
        case .rejected(let status, let message): "the Ray dashboard answered \(status): \(message)"
        case .duplicate(let id): "a Ray job with submission id \"\(id)\" already exists"
        case .unknownJob(let id): "no Ray job has submission id \"\(id)\""
        case .package(let reason): "the working directory cannot be sent to Ray: \(reason)"
        case .invalidResponse(let reason): "the Ray dashboard answered an unexpected body: \(reason)"
        }
    }
}
