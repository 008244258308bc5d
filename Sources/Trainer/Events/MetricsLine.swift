import Foundation

/// One step's metrics in verl's file-logger form,
/// `{"step":N,"data":{"actor/lr":...,"train/loss":...}}` (one JSON object
/// per line), so built-in and verl jobs are ingested the same way.
public struct MetricsLine: Sendable, Equatable, Codable {
    /// The optimiser step (1-based, as verl's global step).
    public var step: Int
    /// Metric name -> value; every value finite.
    public var data: [String: Double]

    /// Creates a line.
    public init(step: Int, data: [String: Double]) {
        self.step = step
        self.data = data
    }

    /// Keys whose value is NaN or infinite.
    public var nonFiniteKeys: [String] {
        data.filter { !$0.value.isFinite }.map(\.key).sorted()
    }

    /// The JSON line (keys sorted, no trailing newline). Non-finite values,
    /// which JSON cannot hold, are written as `null`.
    public var json: String {
        var parts: [String] = []
        for key in data.keys.sorted() {
            let value = data[key] ?? .nan
            parts.append("\(Self.quoted(key)):\(value.isFinite ? Self.number(value) : "null")")
        }
        return "{\"step\":\(step),\"data\":{\(parts.joined(separator: ","))}}"
    }

    /// A shortest round-trip decimal for a finite Double (integers without ".0").
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A JSON string literal (metric names are ASCII; escapes quotes, backslashes, controls).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
