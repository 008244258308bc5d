import Foundation
import ServerCore

/// A line chart of one or more series of (step, value) points, rendered on
/// the server as one self-contained SVG element: a title, a legend, axes
/// with tick labels (training step on x), a grid and one line per series.
/// It reads without JavaScript or CSS (colours are presentation attributes
/// the stylesheet may override) and is accessible: `role="img"` labelled by
/// its `<title>` and a `<desc>` that states each series' range and latest
/// value. Every text and attribute value is escaped here, so the markup can
/// be placed in a page as it is.
///
/// Non-finite values are skipped; a series with more than ``maxPoints``
/// points is reduced by ``SeriesReducer`` (min/max per bucket). With no
/// point at all the chart says ``emptyText`` instead of drawing axes.
///
/// The plot group carries what `Public/static/training-job.js` needs to
/// redraw it live: `data-series` (the keys), `data-plot` (the plot area)
/// and, on each line, `data-points` (`step,value` pairs).
struct LineChart: Sendable {
    /// One observation: the training step and the metric's value there.
    typealias Point = MetricPoint

    /// One line: a metric key (also its legend label) and its points.
    struct Series: Sendable, Equatable {
        var key: String
        var points: [Point]
    }

    /// The SVG canvas and the plot area inside it, in user units.
    struct Frame: Sendable, Equatable {
        // Narrow enough that text stays legible when a phone scales it down.
        var width = 480.0
        var height = 270.0
        var left = 64.0
        var right = 16.0
        var top = 56.0
        var bottom = 48.0

        var plotWidth: Double { width - left - right }
        var plotHeight: Double { height - top - bottom }
    }

    /// The most points drawn per series.
    static let maxPoints = 500
    /// Line colours by series position; the stylesheet has the same as `.s0`, `.s1`, ...
    static let colors = ["#0b5cad", "#c2410c", "#1a7f37", "#8250df"]
    static let gridColor = "#dde1e6"
    static let mutedColor = "#5d6670"

    /// A prefix for the ids of the chart's `<title>` and `<desc>`, unique in the page.
    var id: String
    var title: String
    var series: [Series]
    /// What an empty chart says.
    var emptyText = "No data yet"
    var frame = Frame()

    /// - Parameters:
    ///   - id: unique in the page; used for element ids.
    ///   - title: shown above the plot and as the accessible name.
    ///   - series: the lines, in legend order; non-finite points are dropped
    ///     and long series reduced to ``maxPoints``.
    ///   - emptyText: shown when no series has a point.
    init(id: String, title: String, series: [Series], emptyText: String = "No data yet") {
        self.id = id
        self.title = title
        self.emptyText = emptyText
        self.series = series.map { series in
            let finite = series.points.filter { $0.step.isFinite && $0.value.isFinite }
            return Series(key: series.key, points: SeriesReducer.reduce(finite, limit: Self.maxPoints))
        }
    }

    /// Whether no series has a point.
    var isEmpty: Bool { series.allSatisfy(\.points.isEmpty) }

    /// The x (step) and y (value) axes of the data, nil when empty.
    var axes: (x: ChartAxis, y: ChartAxis)? {
        let points = series.flatMap(\.points)
        guard let first = points.first else { return nil }
        var (minStep, maxStep, minValue, maxValue) = (first.step, first.step, first.value, first.value)
        for point in points {
            minStep = min(minStep, point.step)
            maxStep = max(maxStep, point.step)
            minValue = min(minValue, point.value)
            maxValue = max(maxValue, point.value)
        }
        return (ChartAxis(minimum: minStep, maximum: maxStep, integral: true), ChartAxis(minimum: minValue, maximum: maxValue))
    }

    /// The chart as an SVG element.
    func svg() -> String {
        let e = Self.escape
        let f = frame
        var out = #"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \#(Self.number(f.width)) \#(Self.number(f.height))""#
        out += #" width="\#(Self.number(f.width))" height="\#(Self.number(f.height))""#
        out += #" role="img" aria-labelledby="\#(e(id))-title \#(e(id))-desc">"#
        out += #"<title id="\#(e(id))-title">\#(e(title))</title>"#
        out += #"<desc id="\#(e(id))-desc">\#(e(description))</desc>"#
        out += #"<text class="chart-title" x="\#(Self.number(f.left))" y="20" font-size="16" font-weight="600" fill="currentColor">\#(e(title))</text>"#
        out += legend()
        let keys = series.map(\.key).joined(separator: " ")
        out += #"<g class="plot" data-series="\#(e(keys))" data-plot="\#(Self.number(f.left)) \#(Self.number(f.top)) \#(Self.number(f.plotWidth)) \#(Self.number(f.plotHeight))">"#
        if let axes {
            out += plot(axes.x, axes.y)
        } else {
            out += #"<rect class="frame" x="\#(Self.number(f.left))" y="\#(Self.number(f.top))" width="\#(Self.number(f.plotWidth))" height="\#(Self.number(f.plotHeight))" fill="none" stroke="\#(Self.gridColor)"/>"#
            out += #"<text class="empty" x="\#(Self.number(f.left + f.plotWidth / 2))" y="\#(Self.number(f.top + f.plotHeight / 2))" text-anchor="middle" font-size="14" fill="\#(Self.mutedColor)">\#(e(emptyText))</text>"#
        }
        return out + "</g></svg>"
    }

    /// Legend entries in one row under the title: a colour swatch and the key.
    private func legend() -> String {
        var out = #"<g class="legend" font-size="12" fill="currentColor">"#
        var x = frame.left
        for (index, series) in series.enumerated() {
            let color = Self.colors[index % Self.colors.count]
            out += #"<line class="s\#(index)" x1="\#(Self.number(x))" y1="36" x2="\#(Self.number(x + 18))" y2="36" stroke="\#(color)" stroke-width="3"/>"#
            out += #"<text x="\#(Self.number(x + 24))" y="40">\#(Self.escape(series.key))</text>"#
            // A rough text width: the legend never measures glyphs.
            x += 24 + Double(series.key.count) * 7 + 20
        }
        return out + "</g>"
    }

    /// Grid, axes with tick labels, and the lines.
    private func plot(_ x: ChartAxis, _ y: ChartAxis) -> String {
        let f = frame
        let bottom = f.top + f.plotHeight
        let right = f.left + f.plotWidth
        func px(_ step: Double) -> Double { x.position(step, from: f.left, to: right) }
        func py(_ value: Double) -> Double { y.position(value, from: bottom, to: f.top) }
        var out = #"<g class="grid" stroke="\#(Self.gridColor)" stroke-width="1">"#
        for tick in y.ticks {
            out += #"<line x1="\#(Self.number(f.left))" y1="\#(Self.number(py(tick)))" x2="\#(Self.number(right))" y2="\#(Self.number(py(tick)))"/>"#
        }
        out += "</g>"
        out += #"<g class="axis axis-y" font-size="13" fill="currentColor" text-anchor="end">"#
        for tick in y.ticks {
            out += #"<text x="\#(Self.number(f.left - 6))" y="\#(Self.number(py(tick) + 4))">\#(Self.escape(y.label(tick)))</text>"#
        }
        out += "</g>"
        out += #"<g class="axis axis-x" font-size="13" fill="currentColor" text-anchor="middle">"#
        out += #"<line x1="\#(Self.number(f.left))" y1="\#(Self.number(bottom))" x2="\#(Self.number(right))" y2="\#(Self.number(bottom))" stroke="currentColor"/>"#
        for tick in x.ticks {
            out += #"<line x1="\#(Self.number(px(tick)))" y1="\#(Self.number(bottom))" x2="\#(Self.number(px(tick)))" y2="\#(Self.number(bottom + 5))" stroke="currentColor"/>"#
            out += #"<text x="\#(Self.number(px(tick)))" y="\#(Self.number(bottom + 18))">\#(Self.escape(x.label(tick)))</text>"#
        }
        out += #"<text class="axis-label" x="\#(Self.number(f.left + f.plotWidth / 2))" y="\#(Self.number(f.height - 8))">step</text>"#
        out += "</g>"
        out += #"<g class="series" fill="none" stroke-width="2" stroke-linejoin="round">"#
        for (index, series) in series.enumerated() where !series.points.isEmpty {
            let color = Self.colors[index % Self.colors.count]
            let path = series.points.enumerated().map { offset, point in
                "\(offset == 0 ? "M" : "L")\(Self.number(px(point.step))),\(Self.number(py(point.value)))"
            }.joined(separator: " ")
            let data = series.points.map { "\(Self.number(exact: $0.step)),\(Self.number(exact: $0.value))" }.joined(separator: " ")
            out += #"<path class="line s\#(index)" d="\#(path)" stroke="\#(color)" data-key="\#(Self.escape(series.key))" data-points="\#(data)"/>"#
            if let last = series.points.last {
                out += #"<circle class="dot s\#(index)" cx="\#(Self.number(px(last.step)))" cy="\#(Self.number(py(last.value)))" r="3" fill="\#(color)" stroke="none"/>"#
            }
        }
        return out + "</g>"
    }

    /// What the chart shows, in words, for screen readers and text browsers.
    var description: String {
        guard !isEmpty else { return "\(title): \(emptyText)." }
        let parts = series.map { series -> String in
            guard let first = series.points.first, let last = series.points.last else {
                return "\(series.key): no data"
            }
            let values = series.points.map(\.value)
            return "\(series.key): \(series.points.count) point\(series.points.count == 1 ? "" : "s") from step "
                + "\(Self.number(exact: first.step)) to \(Self.number(exact: last.step)), latest \(Self.number(exact: last.value)), "
                + "min \(Self.number(exact: values.min() ?? last.value)), max \(Self.number(exact: values.max() ?? last.value))"
        }
        return "\(title) by training step. " + parts.joined(separator: "; ") + "."
    }

    /// A coordinate with at most one decimal ("12", "12.5").
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
        return String(format: "%.1f", rounded)
    }

    /// A data value in a short exact form ("200", "0.52", "1e-05").
    static func number(exact value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }

    /// `text` safe in SVG (XML) text and double- or single-quoted attributes;
    /// control characters other than tab and newline become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // Control characters are not allowed in XML; show that something was there.
            case _ where character.unicodeScalars.allSatisfy({ $0.value < 0x20 && $0 != "\t" && $0 != "\n" }): out += "\u{FFFD}"
            default: out.append(character)
            }
        }
        return out
    }
}
