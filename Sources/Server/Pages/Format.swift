import Foundation
import ServerCore

/// How pages write numbers, hashes and sizes.
enum Format {
    /// A fraction as a percentage with one decimal: 0.4756 -> "47.6".
    static func percent(_ value: Double?) -> String? {
        guard let value, value.isFinite else { return nil }
        let tenths = (value * 1000).rounded()
        let whole = Int(tenths) / 10
        let fraction = abs(Int(tenths)) % 10
        return "\(tenths < 0 && whole == 0 ? "-" : "")\(whole).\(fraction)"
    }

    /// A fraction with three decimals, for tooltips next to percentages.
    static func fraction(_ value: Double?) -> String? {
        guard let value, value.isFinite else { return nil }
        return String(format: "%.3f", value)
    }

    /// Seconds without a needless fraction: 120 -> "120", 0.5 -> "0.5".
    static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// The first 12 hex digits of a SHA-256, enough to tell versions apart.
    static func shortSHA(_ sha: String) -> String {
        String(sha.prefix(12))
    }

    /// A byte count in binary units: "1.5 GiB".
    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// An integer with thousands separators: 1319 -> "1,319".
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// An ISO-8601 timestamp shortened to minutes, in UTC: "2025-10-14 09:30".
    static func time(_ timestamp: String?) -> String? {
        guard let timestamp, timestamp.count >= 16 else { return timestamp }
        return "\(timestamp.prefix(10)) \(timestamp.dropFirst(11).prefix(5)) UTC"
    }
}

/// Building page URLs with encoded query values.
enum PageURL {
    private static let allowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    /// `path?key=value&...`, skipping nil values, each value percent-encoded.
    static func make(_ path: String, _ query: [(String, String?)]) -> String {
        let parts = query.compactMap { key, value in
            value.map { "\(key)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
        }
        return parts.isEmpty ? path : path + "?" + parts.joined(separator: "&")
    }
}
