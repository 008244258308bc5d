import Foundation
import ServerCore

/// A one-line progress bar on stderr, redrawn at most ten times a second.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let lock = NSLock()
    private var lastDraw = ContinuousClock.now - .seconds(1)
    private let start = ContinuousClock.now

    init(label: String) { self.label = label }

    /// Shows `done` of `total` units; `bytes` formats them as sizes.
    func update(done: Int64, total: Int64, bytes: Bool = true, force: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        guard force || now - lastDraw >= .milliseconds(100) || done == total else { return }
        lastDraw = now
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let amount = bytes ? "\(Self.size(done))/\(Self.size(total))" : "\(done)/\(total)"
        let elapsed = (now - start).seconds
        let rate = bytes && elapsed > 0 ? "  \(Self.size(Int64(Double(done) / elapsed)))/s" : ""
        let line = "\r\(label) [\(bar)] \(Int(fraction * 100))% \(amount)\(rate)"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Ends the line.
    func finish() {
        FileHandle.standardError.write(Data("\n".utf8))
    }

    static func size(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
