import Foundation

/// Admin-defined launchers for training at scale (e.g. the AEPO recipe on
/// verl + Ray), read from `<data-dir>/job-templates.json`. A request names a
/// template and fills its declared parameters; it can never pass a command.
///
/// ```json
/// {"templates": [{
///   "name": "verl-aepo",
///   "command": ["/opt/recipes/aepo.sh", "--model", "{model}", "--steps", "{steps}", "--log", "{workdir}/metrics.jsonl"],
///   "parameters": {"model": {"default": "Qwen3-14B"}, "steps": {"default": "200", "pattern": "^[0-9]{1,6}$"}},
///   "events_file": "{workdir}/metrics.jsonl"
/// }]}
/// ```
/// `{workdir}` is the job's own directory under `<data-dir>/jobs/`.
package struct JobTemplate: Codable, Sendable, Equatable {
    package struct Parameter: Codable, Sendable, Equatable {
        package var `default`: String?
        /// A regular expression every value must match entirely.
        package var pattern: String?
    }

    package var name: String
    package var command: [String]
    package var parameters: [String: Parameter] = [:]
    /// A verl file-logger JSONL the job writes; its lines become metric events.
    package var eventsFile: String?
    package var workingDirectory: String?

    package enum CodingKeys: String, CodingKey {
        case name, command, parameters
        case eventsFile = "events_file"
        case workingDirectory = "working_directory"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        command = try container.decode([String].self, forKey: .command)
        // A template without parameters takes none.
        parameters = try container.decodeIfPresent([String: Parameter].self, forKey: .parameters) ?? [:]
        eventsFile = try container.decodeIfPresent(String.self, forKey: .eventsFile)
        workingDirectory = try container.decodeIfPresent(String.self, forKey: .workingDirectory)
    }

    /// Values may only be plain tokens unless the template says otherwise.
    package static let defaultPattern = "^[A-Za-z0-9._/:=+-]{1,200}$"

    /// The argv and events file for `values`, refusing unknown or missing
    /// parameters and values that do not match their pattern.
    package func launch(values: [String: String], workdir: URL) throws -> (arguments: [String], eventsFile: URL?) {
        if let unknown = values.keys.first(where: { parameters[$0] == nil }) {
            throw CoreError.invalid(
                "unknown_parameter",
                "template \(name) has no parameter \"\(unknown)\"; valid: \(parameters.keys.sorted().joined(separator: ", "))")
        }
        var resolved = ["workdir": workdir.path]
        for (key, parameter) in parameters {
            guard let value = values[key] ?? parameter.default else {
                throw CoreError.invalid("missing_parameter", "template \(name) needs parameter \"\(key)\"")
            }
            let pattern = parameter.pattern ?? Self.defaultPattern
            guard value.range(of: pattern, options: .regularExpression) != nil else {
                throw CoreError.invalid("invalid_parameter", "parameter \"\(key)\" must match \(pattern)")
            }
            resolved[key] = value
        }
        func substitute(_ text: String) -> String {
            resolved.reduce(text) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
        }
        return (command.map(substitute), eventsFile.map { URL(fileURLWithPath: substitute($0)) })
    }
}

/// The templates file of a data directory.
package enum JobTemplates {
    package static let fileName = "job-templates.json"

    package static func load(dataDirectory: URL) throws -> [JobTemplate] {
        let url = dataDirectory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        struct File: Decodable { var templates: [JobTemplate] }
        do {
            return try JSONDecoder().decode(File.self, from: data).templates
        } catch {
            throw CoreError.misconfigured("invalid_templates", "\(fileName) cannot be read: \(error)")
        }
    }
}
