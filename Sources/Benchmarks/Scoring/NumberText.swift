/// Strict parsing of plain decimal numbers, shared by the scorers. Unlike
/// `Double(_:)` it refuses `inf`, `nan`, hex and surrounding spaces.
enum NumberText {
    /// The value of `text` when it is a plain decimal number: an optional
    /// sign, digits with at most one `.` (`.5` and `5.` allowed), and an
    /// optional exponent (`1e3`, `2.5E-2`).
    static func decimal<S: StringProtocol>(_ text: S) -> Double? {
        var chars = Substring(text)
        var negative = false
        if let first = chars.first, first == "+" || first == "-" {
            negative = first == "-"
            chars = chars.dropFirst()
        }
        var mantissa = chars
        var exponent: Substring = ""
        if let e = chars.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = chars[..<e]
            exponent = chars[chars.index(after: e)...]
            var digits = exponent
            if let first = digits.first, first == "+" || first == "-" { digits = digits.dropFirst() }
            guard !digits.isEmpty, digits.allSatisfy(isDigit) else { return nil }
        }
        let dots = mantissa.count(where: { $0 == "." })
        guard dots <= 1, mantissa.contains(where: isDigit),
            mantissa.allSatisfy({ isDigit($0) || $0 == "." })
        else { return nil }
        var literal = String(mantissa)
        if literal.hasPrefix(".") { literal = "0" + literal }
        if literal.hasSuffix(".") { literal += "0" }
        if !exponent.isEmpty { literal += "e" + exponent }
        guard let value = Double(literal), value.isFinite else { return nil }
        return negative ? -value : value
    }

    /// `true` for the ASCII digits 0-9.
    static func isDigit(_ char: Character) -> Bool {
        char >= "0" && char <= "9"
    }
}
