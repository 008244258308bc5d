import ServerCore

/// The model of `/training-jobs/{id}`: status, facts, the metric charts as
/// server-rendered SVG, the latest metrics and the request. While the job
/// runs, `/static/training-job.js` follows its events from ``lastSeq`` on
/// and updates all of it in place; without JavaScript the page reloads
/// itself instead.
struct TrainingJobPage: Sendable {
    /// A chart: its SVG, and whether it waits (hidden) for its first point.
    struct Chart: Sendable {
        var id: String
        var svg: ChartMarkup
        var hidden: Bool
    }

    var id: Int64
    var heading: String
    var status: String
    var isLive: Bool
    var error: String?
    var stepsText: String
    var progressValue: Int
    var progressMax: Int?
    var eventsURL: String
    /// The last event the page shows; the script asks for what follows.
    var lastSeq: Int64
    var facts: [CheckpointPage.Fact]
    var checkpointHref: String?
    var checkpointText: String
    var evaluationHref: String?
    var evaluationText: String
    var charts: [Chart]
    /// Metrics this finished job never logged (their charts are left out).
    var notLogged: String?
    var chartNote: String
    var latestMetrics: [TrainingJobSummary.Metric]
    var hasLatestMetrics: Bool
    var latestCaption: String
    var config: String
    var apiHref: String

    init(snapshot: TrainingStore.ChartSnapshot) {
        let job = snapshot.job
        let summary = TrainingJobSummary(job)
        id = job.id
        heading = "Training job \(job.id) · \(summary.algorithm)" + (summary.task.map { " on \($0)" } ?? "")
        status = job.status.rawValue
        isLive = !job.status.isTerminal
        error = job.error
        stepsText = summary.stepsText
        progressValue = summary.latestStep ?? 0
        progressMax = summary.totalSteps
        eventsURL = "/api/v1/training-jobs/\(job.id)/events"
        lastSeq = snapshot.lastSeq
        var facts = [CheckpointPage.Fact(key: "Kind", value: job.kind == "template" ? "admin-defined template" : "built-in trainer")]
        if let template = job.template { facts.append(.init(key: "Template", value: template)) }
        if job.template == nil { facts.append(.init(key: "Algorithm", value: summary.algorithm)) }
        if let task = summary.task { facts.append(.init(key: "Task", value: task)) }
        if let seed = summary.request["seed"]?.scalarText { facts.append(.init(key: "Seed", value: seed)) }
        facts.append(.init(key: "Created", value: Format.time(job.createdAt) ?? job.createdAt))
        if let started = Format.time(job.startedAt) { facts.append(.init(key: "Started", value: started)) }
        if let finished = Format.time(job.finishedAt) { facts.append(.init(key: "Ended", value: finished)) }
        self.facts = facts
        checkpointHref = job.checkpointID.map { "/checkpoints/\($0)" }
        checkpointText = job.checkpointID.map { "checkpoint \($0)" } ?? (isLive ? "none yet" : "none")
        evaluationHref = job.evaluationID.map { "/evaluations/\($0)" }
        evaluationText = job.evaluationID.map { "evaluation \($0)" } ?? (isLive ? "none yet" : "none")
        var charts: [Chart] = []
        var missing: [String] = []
        for definition in TrainingCharts.all {
            let series = definition.keys.map { LineChart.Series(key: $0, points: snapshot.series[$0] ?? []) }
            let chart = LineChart(
                id: definition.id, title: definition.title, series: series,
                emptyText: isLive ? "No data yet" : "No data")
            if chart.isEmpty, !isLive {
                missing.append(definition.keys.joined(separator: ", "))
                continue
            }
            charts.append(Chart(
                id: definition.id, svg: ChartMarkup(chart.svg()), hidden: chart.isEmpty && definition.onlyWithData))
        }
        self.charts = charts
        notLogged = missing.isEmpty || snapshot.metricEvents == 0 ? nil : missing.joined(separator: "; ")
        chartNote = snapshot.metricEvents == 0
            ? (isLive ? "No metrics yet: the charts fill in as the job logs them." : "This job logged no metrics.")
            : "\(Format.count(snapshot.metricEvents)) metric line\(snapshot.metricEvents == 1 ? "" : "s")"
                + (snapshot.metricEvents > LineChart.maxPoints
                    ? "; each series is drawn with at most \(LineChart.maxPoints) points, the lowest and highest of each stretch of steps."
                    : ".")
        latestMetrics = summary.latestMetrics
        hasLatestMetrics = !latestMetrics.isEmpty
        latestCaption = summary.latestStep.map { "The latest metric line, step \(Format.count($0))" } ?? "The latest metric line"
        config = summary.configText
        apiHref = "/api/v1/training-jobs/\(job.id)"
    }
}
