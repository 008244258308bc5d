import Foundation

/// One step's metrics as a training job reports them, in either of verl's
/// two forms:
///
/// - the file logger (verl ≥ 0.6, and `aepo train --events`):
///   `{"step": N, "data": {"actor/pg_loss": -0.01, ...}}`, where Python's
///   `json.dumps` writes `NaN`, `Infinity` and `-Infinity` bare;
/// - the console logger (every verl, the authors' 0.3.x fork included):
///   `step:N - actor/pg_loss:-0.010 - critic/score/mean:nan`, possibly
///   behind Ray's `(TaskRunner pid=123) ` prefix, with values such as
///   `1e-05`, `inf` or `np.float64(0.5)`.
///
/// Non-finite values are kept as JSON `null` and listed in ``nonFinite``,
/// so the job's log can say which key of which step it was.
package struct MetricLine: Sendable, Equatable {
    package struct NonFinite: Sendable, Equatable {
        package var key: String
        /// `NaN`, `Infinity` or `-Infinity`.
        package var value: String
    }

    package var step: Int
    /// The event's data: `{"data":{...},"step":N}` (sorted keys, `/` unescaped).
    package var json: String
    package var nonFinite: [NonFinite]

    /// Either form, or nil for any other line.
    package static func parse(_ line: String) -> MetricLine? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("{") { return parse(fileLogger: trimmed) }
        return parse(console: trimmed)
    }

    // MARK: - File logger

    /// Strings no metric value holds (a control character would not be valid JSON).
    private static let orderedSentinels = [
        ("-Infinity", "@aepo:-Infinity@"), ("Infinity", "@aepo:Infinity@"), ("NaN", "@aepo:NaN@"),
    ]
    private static let sentinels = Dictionary(uniqueKeysWithValues: orderedSentinels)

    /// A file-logger line, or nil when it is not one.
    package static func parse(fileLogger line: String) -> MetricLine? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(quotingNonFinite(line).utf8)) as? [String: Any],
            let stepNumber = object["step"] as? NSNumber, let step = integer(stepNumber),
            var data = object["data"] as? [String: Any]
        else { return nil }
        var nonFinite: [NonFinite] = []
        for (key, value) in data {
            guard let text = value as? String, let name = sentinels.first(where: { $0.value == text })?.key else { continue }
            data[key] = NSNull()
            nonFinite.append(NonFinite(key: key, value: name))
        }
        var normalised = object
        normalised["data"] = data
        return make(step: step, object: normalised, nonFinite: nonFinite)
    }

    /// Replaces the bare `NaN`, `Infinity` and `-Infinity` tokens outside
    /// strings (which JSON does not allow) with sentinel strings.
    static func quotingNonFinite(_ line: String) -> String {
        guard line.contains("NaN") || line.contains("Infinity") else { return line }
        var output = ""
        var inString = false
        var escaped = false
        var index = line.startIndex
        outer: while index < line.endIndex {
            let character = line[index]
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
            } else {
                for (token, sentinel) in orderedSentinels where line[index...].hasPrefix(token) {
                    output += "\"\(sentinel)\""
                    index = line.index(index, offsetBy: token.count)
                    continue outer
                }
            }
            output.append(character)
            index = line.index(after: index)
        }
        return output
    }

    // MARK: - Console logger

    /// A console-logger line, or nil when it is not one.
    package static func parse(console line: String) -> MetricLine? {
        var text = Substring(line)
        // Ray prefixes what an actor prints: "(TaskRunner pid=2781) step:1 - ...".
        if text.hasPrefix("("), let close = text.firstIndex(of: ")") {
            text = text[text.index(after: close)...].drop(while: { $0 == " " })
        }
        guard text.hasPrefix("step:") else { return nil }
        let fields = text.components(separatedBy: " - ")
        guard let first = fields.first, let step = Int(first.dropFirst("step:".count)), fields.count > 1 else { return nil }
        var data: [String: Any] = [:]
        var nonFinite: [NonFinite] = []
        for field in fields.dropFirst() {
            guard let colon = field.lastIndex(of: ":") else { return nil }
            let key = String(field[..<colon])
            guard !key.isEmpty, let value = number(String(field[field.index(after: colon)...])) else { return nil }
            if value.isFinite {
                data[key] = value
            } else {
                data[key] = NSNull()
                nonFinite.append(NonFinite(key: key, value: value.isNaN ? "NaN" : value > 0 ? "Infinity" : "-Infinity"))
            }
        }
        return make(step: step, object: ["step": step, "data": data], nonFinite: nonFinite.sorted { $0.key < $1.key })
    }

    /// A console value: a number, `nan`/`inf`, `True`/`False`, or one of
    /// those inside a wrapper such as `np.float64(...)` or `tensor(...)`.
    static func number(_ text: String) -> Double? {
        var value = text.trimmingCharacters(in: .whitespaces)
        if value.hasSuffix(")"), let open = value.firstIndex(of: "(") {
            value = String(value[value.index(after: open)..<value.index(before: value.endIndex)])
        }
        switch value.lowercased() {
        case "true": return 1
        case "false": return 0
        case "nan", "-nan": return .nan
        case "inf", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default:
            guard let number = Double(value), number.isFinite else { return nil }
            return number
        }
    }

    // MARK: - Helpers

    private static func integer(_ number: NSNumber) -> Int? {
        let double = number.doubleValue
        guard double.isFinite, double == double.rounded(), abs(double) < 1e15 else { return nil }
        return Int(double)
    }

    private static func make(step: Int, object: [String: Any], nonFinite: [NonFinite]) -> MetricLine? {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return nil
        }
        return MetricLine(step: step, json: String(decoding: data, as: UTF8.self), nonFinite: nonFinite.sorted { $0.key < $1.key })
    }
}
