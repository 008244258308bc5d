import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Python's `datetime.now().strftime(format)` for a naive local datetime:
/// C `strftime` in the C locale, with Python's own `%f` (microseconds) and
/// empty `%z` / `%Z` (a naive datetime has no zone).
enum Strftime {
    static func format(_ format: String, date: Date, timeZone: TimeZone) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        let seconds = date.timeIntervalSince1970 + Double(offset)
        var whole = time_t(seconds.rounded(.down))
        let micros = Int(((seconds - seconds.rounded(.down)) * 1_000_000).rounded(.down))
        var tm = tm()
        gmtime_r(&whole, &tm)
        var out = ""
        var pending = ""
        var chars = Array(format)[...]
        func flush() {
            guard !pending.isEmpty else { return }
            out += cFormat(pending, &tm)
            pending = ""
        }
        while let c = chars.popFirst() {
            guard c == "%", let code = chars.first else {
                pending.append(c)
                continue
            }
            switch code {
            case "f":
                chars.removeFirst()
                flush()
                let m = String(micros)
                out += String(repeating: "0", count: 6 - m.count) + m
            case "z", "Z":
                chars.removeFirst()
            default:
                chars.removeFirst()
                pending.append(c)
                pending.append(code)
            }
        }
        flush()
        return out
    }

    private static func cFormat(_ format: String, _ tm: inout tm) -> String {
        var buffer = [CChar](repeating: 0, count: 512 + format.utf8.count * 16)
        let n = strftime(&buffer, buffer.count, format, &tm)
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
