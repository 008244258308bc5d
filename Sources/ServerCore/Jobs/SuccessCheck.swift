import Foundation

/// What a template job must leave behind to count as finished, checked
/// after its command exits with status 0. A recipe run under
/// `... 2>&1 | tee run.log` without `pipefail` exits 0 whatever happened:
/// this is what catches it.
package struct SuccessCheck: Codable, Sendable, Equatable {
    /// verl's checkpoint directory (`trainer.default_local_dir`).
    package var checkpointDirectory: String?
    package var minCheckpointStep: Int?
    package var minMetricStep: Int?

    package enum CodingKeys: String, CodingKey {
        case checkpointDirectory = "checkpoint_directory"
        case minCheckpointStep = "min_checkpoint_step"
        case minMetricStep = "min_metric_step"
    }

    package init(checkpointDirectory: String? = nil, minCheckpointStep: Int? = nil, minMetricStep: Int? = nil) {
        self.checkpointDirectory = checkpointDirectory
        self.minCheckpointStep = minCheckpointStep
        self.minMetricStep = minMetricStep
    }

    /// Fills a template's `success` with the job's values; the steps must
    /// then be integers.
    init(resolving success: JobTemplate.Success, in template: JobTemplate, with fill: (String) -> String) throws {
        func step(_ text: String?, _ key: String) throws -> Int? {
            guard let text else { return nil }
            guard let value = Int(fill(text).trimmingCharacters(in: .whitespaces)), value >= 0 else {
                throw CoreError.invalid(
                    "invalid_parameter", "template \(template.name): success.\(key) is \"\(fill(text))\", not a step number")
            }
            return value
        }
        minCheckpointStep = try step(success.minCheckpointStep, "min_checkpoint_step")
        minMetricStep = try step(success.minMetricStep, "min_metric_step")
        checkpointDirectory = fill(success.checkpointDir ?? "{workdir}/checkpoints")
    }

    /// Why the run does not count as finished, or nil when it does.
    /// - Parameter lastMetricStep: the highest step of the job's stored metrics.
    package func failure(lastMetricStep: Int?) -> String? {
        if let minimum = minCheckpointStep, let directory = checkpointDirectory {
            let tracker = directory + "/latest_checkpointed_iteration.txt"
            guard let text = try? String(contentsOfFile: tracker, encoding: .utf8) else {
                return "no checkpoint: \(tracker) is missing (expected step \(minimum) or later)"
            }
            guard let step = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                return "\(tracker) does not hold a step number"
            }
            guard step >= minimum else {
                return "the last checkpoint is step \(step); expected step \(minimum) or later"
            }
            var isDirectory: ObjCBool = false
            let actor = directory + "/global_step_\(step)/actor"
            guard FileManager.default.fileExists(atPath: actor, isDirectory: &isDirectory), isDirectory.boolValue else {
                return "checkpoint step \(step) has no \(actor)"
            }
        }
        if let minimum = minMetricStep, (lastMetricStep ?? -1) < minimum {
            return "the last metric step is \(lastMetricStep.map(String.init) ?? "none"); expected step \(minimum) or later"
        }
        return nil
    }
}
