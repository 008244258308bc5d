import Foundation
import ServerCore

/// One axis of a ``LineChart``: a "nice" domain that covers the data, its
/// tick values (multiples of 1, 2 or 5 times a power of ten) and their
/// labels. `Public/static/training-job.js` implements the same rules so a
/// chart redrawn in the browser looks like the server's.
struct ChartAxis: Sendable, Equatable {
    var lower: Double
    var upper: Double
    var ticks: [Double]
    /// The distance between ticks (0 for the fallback of an unusable range).
    var step: Double

    /// The axis over data from `minimum` to `maximum`.
    /// - Parameters:
    ///   - minimum: the smallest value (finite).
    ///   - maximum: the largest value (finite, >= `minimum`).
    ///   - targetTicks: about how many intervals to draw (the result has at
    ///     most `targetTicks + 2` of them).
    ///   - integral: tick steps of at least 1 (training steps are whole numbers).
    init(minimum: Double, maximum: Double, targetTicks: Int = 5, integral: Bool = false) {
        var low = min(minimum, maximum)
        var high = max(minimum, maximum)
        if low == high {
            // One value: a small band around it.
            let pad = integral ? 1 : (low == 0 ? 1 : abs(low) * 0.1)
            low -= pad
            high += pad
        }
        let range = high - low
        guard range.isFinite, range > 0 else {
            self.init(fallback: low, high)
            return
        }
        var step = Self.niceStep(range / Double(max(1, targetTicks)))
        if integral { step = max(1, step) }
        // The epsilon keeps 0.3 / 0.1 = 3.0000000000000004 from adding an empty interval.
        let first = (low / step + 1e-9).rounded(.down)
        let last = (high / step - 1e-9).rounded(.up)
        guard step.isFinite, step > 0, first.isFinite, last.isFinite, last - first <= 100 else {
            self.init(fallback: low, high)
            return
        }
        // Ticks are rounded to the decimals the step has, so 3 x 0.1 is 0.3.
        let scale = pow(10, Double(Self.decimals(for: step)))
        func tick(_ multiple: Double) -> Double { (multiple * step * scale).rounded() / scale }
        self.init(
            lower: tick(first), upper: tick(last), ticks: (0...Int(last - first)).map { tick(first + Double($0)) }, step: step)
    }

    private init(fallback low: Double, _ high: Double) {
        self.init(lower: low, upper: high, ticks: [low, high], step: 0)
    }

    private init(lower: Double, upper: Double, ticks: [Double], step: Double) {
        self.lower = lower
        self.upper = upper
        self.ticks = ticks
        self.step = step
    }

    /// The smallest of 1, 2, 5 or 10 times a power of ten that is >= `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough.isFinite, rough > 0 else { return 1 }
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        let fraction = rough / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// How many decimals the tick labels need to tell ticks `step` apart.
    static func decimals(for step: Double) -> Int {
        guard step > 0, step.isFinite else { return 2 }
        return min(8, max(0, Int((-log10(step)).rounded(.up))))
    }

    /// The label of tick `value`: fixed-point with just enough decimals,
    /// or scientific notation for very large or very small numbers.
    func label(_ value: Double) -> String {
        let largest = max(abs(lower), abs(upper))
        if largest >= 1e7 || (step > 0 && step < 1e-6) {
            return String(format: "%.2e", value)
        }
        let text = String(format: "%.\(Self.decimals(for: step))f", value)
        // "-0.0" reads as a sign error.
        return text.hasPrefix("-") && text.allSatisfy({ "-0.".contains($0) }) ? String(text.dropFirst()) : text
    }

    /// Where `value` falls between `start` (at `lower`) and `end` (at `upper`).
    func position(_ value: Double, from start: Double, to end: Double) -> Double {
        let span = upper - lower
        guard span > 0, span.isFinite else { return (start + end) / 2 }
        return start + (value - lower) / span * (end - start)
    }
}
