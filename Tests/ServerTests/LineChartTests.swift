import Foundation
import Synchronization
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import Server
@testable import ServerCore

/// The server-side SVG line charts: ticks, scaling, escaping, empty and
/// single-point charts, non-finite values and downsampling.
@Suite("SVG line charts")
struct LineChartTests {
    typealias Point = LineChart.Point

    static func points(_ pairs: [(Double, Double)]) -> [Point] { pairs.map { Point(step: $0.0, value: $0.1) } }

    /// The `data-points` of the line of `key`, as (step, value) pairs.
    static func drawn(_ svg: String, key: String) -> [(Double, Double)] {
        guard let start = svg.range(of: #"data-key="\#(key)" data-points=""#) else { return [] }
        let text = svg[start.upperBound...].prefix { $0 != "\"" }
        return text.split(separator: " ").compactMap { pair in
            let parts = pair.split(separator: ",")
            guard parts.count == 2, let step = Double(parts[0]), let value = Double(parts[1]) else { return nil }
            return (step, value)
        }
    }

    /// libxml2, behind FoundationXML on Linux, is not thread-safe and Swift
    /// Testing runs tests in parallel: one parse at a time.
    private static let xmlLock = Mutex(())

    /// Whether `svg` is well-formed XML (what an SVG file must be).
    static func isWellFormed(_ svg: String) -> Bool {
        xmlLock.withLock { _ in XMLParser(data: Data(svg.utf8)).parse() }
    }

    @Test func ticksAreNiceNumbersCoveringTheData() {
        let unit = ChartAxis(minimum: 0.03, maximum: 0.97)
        #expect(unit.step == 0.2)
        #expect(unit.lower == 0 && unit.upper == 1)
        #expect(unit.ticks.map { unit.label($0) } == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let steps = ChartAxis(minimum: 1, maximum: 200, integral: true)
        #expect(steps.step == 50)
        #expect(steps.ticks == [0, 50, 100, 150, 200])
        #expect(steps.ticks.map { steps.label($0) } == ["0", "50", "100", "150", "200"])
        let few = ChartAxis(minimum: 1, maximum: 3, integral: true)
        #expect(few.step == 1, "steps are whole numbers: no 0.5 ticks")
        let negative = ChartAxis(minimum: -0.013, maximum: 0.004)
        #expect(negative.step == 0.005)
        #expect(negative.ticks.map { negative.label($0) } == ["-0.015", "-0.010", "-0.005", "0.000", "0.005"])
        let huge = ChartAxis(minimum: 0, maximum: 3e9)
        #expect(huge.label(1e9) == "1.00e+09")
        #expect(ChartAxis.niceStep(0.23) == 0.5 && ChartAxis.niceStep(7) == 10 && ChartAxis.niceStep(1.5) == 2)
        for axis in [unit, steps, few, negative, huge] {
            #expect(axis.ticks.count <= 7, "\(axis)")
            #expect(axis.lower <= axis.ticks.first! && axis.ticks.last! <= axis.upper)
        }
    }

    @Test func pointsAreScaledIntoThePlotArea() {
        let chart = LineChart(id: "c", title: "Reward", series: [.init(key: "critic/score/mean", points: Self.points([(0, 0), (5, 0.5), (10, 1)]))])
        let svg = chart.svg()
        let frame = chart.frame
        // x 0...10 and y 0...1 are already nice: the corners of the plot area.
        let left = LineChart.number(frame.left), right = LineChart.number(frame.left + frame.plotWidth)
        let bottom = LineChart.number(frame.top + frame.plotHeight), top = LineChart.number(frame.top)
        let middle = LineChart.number(frame.left + frame.plotWidth / 2), center = LineChart.number(frame.top + frame.plotHeight / 2)
        #expect(svg.contains(#"d="M\#(left),\#(bottom) L\#(middle),\#(center) L\#(right),\#(top)""#), "\(svg)")
        #expect(svg.contains(#"<circle class="dot s0" cx="\#(right)" cy="\#(top)""#), "the latest point is marked")
        #expect(svg.contains(#">step</text>"#))
        #expect(svg.contains(#"<title id="c-title">Reward</title>"#))
        #expect(svg.contains(#"role="img" aria-labelledby="c-title c-desc""#))
        #expect(svg.contains("critic/score/mean: 3 points from step 0 to 10, latest 1, min 0, max 1"))
        #expect(Self.isWellFormed(svg))
    }

    @Test func twoSeriesShareTheAxesAndHaveALegendEntryEach() {
        let chart = LineChart(id: "clip", title: "Clip fractions", series: [
            .init(key: "actor/pg_clipfrac", points: Self.points([(1, 0.1), (2, 0.3)])),
            .init(key: "actor/pg_clipfrac_lower", points: Self.points([(1, 0.05), (2, 0.02)])),
        ])
        let svg = chart.svg()
        #expect(svg.contains(#"<path class="line s0""#) && svg.contains(#"<path class="line s1""#))
        #expect(svg.contains(#"<text x="88" y="40">actor/pg_clipfrac</text>"#))
        #expect(svg.contains(">actor/pg_clipfrac_lower</text>"))
        #expect(svg.contains(#"data-series="actor/pg_clipfrac actor/pg_clipfrac_lower""#))
        #expect(Self.drawn(svg, key: "actor/pg_clipfrac_lower").map(\.1) == [0.05, 0.02])
        #expect(chart.axes?.y.lower == 0 && chart.axes?.y.upper == 0.3)
    }

    @Test func everyTextIsEscaped() {
        let hostile = #"<script>alert("x")</script> & 'y'"#
        let chart = LineChart(
            id: #"id"><script>"#, title: hostile,
            series: [.init(key: hostile, points: Self.points([(1, 1)])), .init(key: "nul\u{0}", points: [])],
            emptyText: hostile)
        let svg = chart.svg()
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"))
        #expect(svg.contains("nul\u{FFFD}"))
        #expect(!svg.contains("\u{0}"))
        #expect(Self.isWellFormed(svg))
        let empty = LineChart(id: "e", title: "t", series: [], emptyText: hostile).svg()
        #expect(!empty.contains("<script>") && empty.contains("&lt;script&gt;"))
    }

    @Test func anEmptyChartSaysSoAndDrawsNoAxes() {
        let chart = LineChart(id: "reward", title: "Reward", series: [.init(key: "critic/score/mean", points: [])])
        #expect(chart.isEmpty)
        #expect(chart.axes == nil)
        let svg = chart.svg()
        #expect(svg.contains(">No data yet</text>"))
        #expect(!svg.contains("<path"))
        #expect(!svg.contains("axis-x"))
        #expect(svg.contains(">critic/score/mean</text>"), "the legend still names the series")
        #expect(svg.contains("<desc id=\"reward-desc\">Reward: No data yet.</desc>"))
        #expect(Self.isWellFormed(svg))
    }

    @Test func aSinglePointGetsABandAroundItAndAMarker() throws {
        let chart = LineChart(id: "one", title: "Entropy", series: [.init(key: "actor/entropy", points: Self.points([(7, 0.5)]))])
        let axes = try #require(chart.axes)
        #expect(axes.x.lower < 7 && 7 < axes.x.upper)
        #expect(axes.y.lower < 0.5 && 0.5 < axes.y.upper)
        let svg = chart.svg()
        #expect(svg.contains(#"<circle class="dot s0""#))
        #expect(Self.drawn(svg, key: "actor/entropy").count == 1)
        #expect(!svg.contains(" L"), "one point: no segment")
        #expect(Self.isWellFormed(svg))
        let zero = LineChart(id: "z", title: "z", series: [.init(key: "k", points: Self.points([(1, 0)]))])
        #expect(zero.axes?.y.lower == -1 && zero.axes?.y.upper == 1)
    }

    @Test func nonFiniteValuesAreSkipped() {
        let chart = LineChart(id: "n", title: "Loss", series: [.init(
            key: "train/loss",
            points: Self.points([(1, 2), (2, .nan), (3, .infinity), (4, -.infinity), (.nan, 5), (5, 1)]))])
        let svg = chart.svg()
        #expect(Self.drawn(svg, key: "train/loss").map(\.0) == [1, 5])
        #expect(!svg.lowercased().contains("nan") && !svg.contains("inf"))
        #expect(chart.axes?.y.upper == 2)
        let onlyNaN = LineChart(id: "m", title: "Loss", series: [.init(key: "train/loss", points: Self.points([(1, .nan)]))])
        #expect(onlyNaN.isEmpty)
        #expect(onlyNaN.svg().contains("No data yet"))
    }

    @Test func longSeriesAreReducedKeepingSpikesAndEnds() {
        var points = (1...10_000).map { Point(step: Double($0), value: sin(Double($0) / 300)) }
        points[4_321].value = 9  // a spike
        points[7_654].value = -9  // a dip
        let chart = LineChart(id: "long", title: "Reward", series: [.init(key: "critic/score/mean", points: points)])
        let drawn = Self.drawn(chart.svg(), key: "critic/score/mean")
        #expect(drawn.count <= LineChart.maxPoints)
        #expect(drawn.count >= LineChart.maxPoints - 4)
        #expect(drawn.first?.0 == 1 && drawn.last?.0 == 10_000)
        #expect(drawn.contains { $0.0 == 4_322 && $0.1 == 9 })
        #expect(drawn.contains { $0.0 == 7_655 && $0.1 == -9 })
        #expect(zip(drawn, drawn.dropFirst()).allSatisfy { $0.0 < $1.0 }, "in step order")
    }

    @Test func theReducerStreamsWithBoundedOutputAndSkippedIndices() {
        // Few points: all kept.
        #expect(SeriesReducer.reduce(Self.points([(1, 1), (2, 2), (3, 3)]), limit: 500).count == 3)
        // A series that only logged every third index of 3,000.
        var reducer = SeriesReducer(total: 3_000, limit: 100)
        for index in stride(from: 0, to: 3_000, by: 3) {
            reducer.add(Point(step: Double(index), value: Double(index % 7)), at: index)
        }
        let kept = reducer.points
        #expect(kept.count <= 100)
        #expect(kept.first?.step == 0 && kept.last?.step == 2_997)
        #expect(Set(kept.dropLast().map(\.value)) == [0, 6], "each bucket keeps its extremes")
        #expect(kept.last?.value == 1, "2997 % 7: the latest point whatever its value")
        // A limit below 4 still keeps the ends.
        let tiny = SeriesReducer.reduce(Self.points((1...50).map { (Double($0), Double($0)) }), limit: 1)
        #expect(tiny.count <= 4 && tiny.first?.step == 1 && tiny.last?.step == 50)
    }
}
