import Foundation

/// A template's `checkpoints` section: where the recipe leaves its FSDP
/// checkpoints and how to merge the last one into a Hugging Face directory
/// that aepo registers as an `hf` checkpoint (and evaluates when asked).
///
/// ```json
/// "checkpoints": {"directory": "{workdir}/checkpoints",
///                 "merge": ["python3", "-m", "verl.model_merger", "merge", "--backend", "fsdp",
///                           "--local_dir", "{actor_dir}", "--target_dir", "{target_dir}"]}
/// ```
/// Besides `{workdir}` and the parameters, `merge` may name `{actor_dir}`
/// (the last `global_step_N/actor`), `{step}` (N) and must name
/// `{target_dir}` (an empty directory aepo chooses, on the data
/// directory's file system so the result is moved, not copied).
package struct TemplateCheckpoints: Decodable, Sendable, Equatable {
    /// The names aepo fills at merge time; a parameter may not take them.
    package static let mergeNames = ["actor_dir", "target_dir", "step"]

    /// verl's `trainer.default_local_dir` (default `{workdir}/checkpoints`).
    package var directory: String?
    /// The merger's argv, run without a shell like the command.
    package var merge: [String]

    enum CodingKeys: String, CodingKey, CaseIterable { case directory, merge }

    package init(from decoder: any Decoder) throws {
        try RequestKeys.reject(decoder, allowing: CodingKeys.allCases.map(\.rawValue), in: "a template's checkpoints")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        directory = try container.decodeIfPresent(String.self, forKey: .directory)
        guard container.contains(.merge) else {
            throw CoreError.invalid("invalid_template", "checkpoints.merge is required: the command that writes {target_dir}")
        }
        merge = try container.decode([String].self, forKey: .merge)
    }

    /// Checks what decoding alone cannot, naming `template`.
    func validate(template: String, parameters: [String: JobTemplate.Parameter]) throws {
        guard !merge.isEmpty, !merge[0].isEmpty else {
            throw CoreError.invalid("invalid_template", "template \(template): checkpoints.merge must not be empty")
        }
        // Without it the merger's output could not be found.
        guard merge.contains(where: { $0.contains("{target_dir}") }) else {
            throw CoreError.invalid(
                "invalid_template", "template \(template): checkpoints.merge must name {target_dir}, where the merged directory goes")
        }
        if directory?.isEmpty == true {
            throw CoreError.invalid("invalid_template", "template \(template): checkpoints.directory must not be empty")
        }
        if let taken = (Self.mergeNames + ["workdir"]).first(where: { parameters[$0] != nil }) {
            throw CoreError.invalid(
                "invalid_template", "template \(template): parameter \"\(taken)\" is a name aepo fills itself; rename it")
        }
    }
}
