import Foundation
import Testing

/// The training-job calls the live restart tests make with curl.
extension LiveServer {
    /// `GET /api/v1/training-jobs/{id}` as a JSON object.
    func trainingJob(_ id: Int) throws -> [String: Any] {
        let text = try curl(["\(baseURL)/api/v1/training-jobs/\(id)"]).output
        return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    /// Launches `template` with `parameters` (a JSON object) as admin; returns the job's id.
    func launchTemplate(_ template: String, parameters: String) throws -> Int {
        let created = try curl([
            "-H", "Authorization: Bearer \(adminToken)", "-H", "Content-Type: application/json",
            "-d", #"{"template":"\#(template)","parameters":\#(parameters)}"#, "\(baseURL)/api/v1/training-jobs",
        ]).output
        let object = try JSONSerialization.jsonObject(with: Data(created.utf8)) as? [String: Any]
        return try #require(object?["id"] as? Int, "\(created)")
    }

    /// The steps of job `id`'s metric events, read from its event stream.
    func metricSteps(job id: Int) throws -> [Int] {
        let stream = try curl(["-N", "--max-time", "20", "\(baseURL)/api/v1/training-jobs/\(id)/events"]).output
        return stream.components(separatedBy: "\n\n").filter { $0.contains("event: metric") }.compactMap { block in
            guard let line = block.split(separator: "\n").first(where: { $0.hasPrefix("data: ") }) else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any])?["step"] as? Int
        }
    }
}
