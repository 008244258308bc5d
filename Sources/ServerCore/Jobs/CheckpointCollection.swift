import Foundation

/// A template job's `checkpoints` section filled in for one job: where its
/// checkpoints are and the merger's argv. Stored with the launch, so a
/// restarted server merges the same way.
package struct CheckpointCollection: Codable, Sendable, Equatable {
    /// The checkpoint directory, filled in.
    package var directory: String
    /// The merger's argv as the template wrote it: it is filled in one
    /// pass with ``values`` and the merge names, so a parameter value that
    /// holds `{target_dir}` is never expanded.
    package var merge: [String]
    /// `workdir` and the job's parameter values.
    package var values: [String: String]
    /// The registered checkpoint's name (the request's, else `<template>-job<id>-step<N>`).
    package var name: String?

    package enum CodingKeys: String, CodingKey { case directory, merge, values, name }

    package init(directory: String, merge: [String], values: [String: String], name: String? = nil) {
        self.directory = directory
        self.merge = merge
        self.values = values
        self.name = name
    }

    /// The last step with a `global_step_N/actor` directory and that directory.
    /// - Throws: ``TrainingResultError`` when there is none.
    package func lastActor() throws -> (step: Int, path: String) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let steps = entries.compactMap { entry -> Int? in
            guard entry.hasPrefix("global_step_"), let step = Int(entry.dropFirst("global_step_".count)), step >= 0 else {
                return nil
            }
            var isDirectory: ObjCBool = false
            let actor = directory + "/\(entry)/actor"
            return FileManager.default.fileExists(atPath: actor, isDirectory: &isDirectory) && isDirectory.boolValue ? step : nil
        }
        guard let step = steps.max() else {
            throw TrainingResultError(description: "there is no global_step_N/actor under \(directory) to merge")
        }
        return (step, directory + "/global_step_\(step)/actor")
    }

    /// The merger's argv for `actor` of `step`, writing into `target`.
    package func mergeArguments(step: Int, actor: String, target: String) -> [String] {
        var filled = values
        filled["actor_dir"] = actor
        filled["target_dir"] = target
        filled["step"] = String(step)
        return merge.map { TemplateText.substitute($0, filled) }
    }
}
