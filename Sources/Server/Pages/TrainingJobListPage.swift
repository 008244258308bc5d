import ServerCore

/// The model of `/training-jobs[?cursor=]`: training jobs newest first,
/// ``perPage`` at a time, paged by id like the API's `cursor`.
struct TrainingJobListPage: Sendable {
    struct Row: Sendable {
        var id: Int64
        var href: String
        var algorithm: String
        var task: String?
        var status: String
        var steps: String
        var reward: String?
        var created: String?
    }

    var rows: [Row]
    var isEmpty: Bool
    /// Where the list continues (older jobs), if it does.
    var olderHref: String?
    /// Back to the newest jobs, when this is a later page.
    var newestHref: String?
    var hasPager: Bool
    var apiHref: String

    static let perPage = 50

    /// - Parameters:
    ///   - jobs: one page of jobs, newest first.
    ///   - next: the cursor of the following page, if any.
    ///   - cursor: the cursor this page was asked with.
    init(jobs: [TrainingStore.Job], next: Int64?, cursor: Int64?) {
        rows = jobs.map { job in
            let summary = TrainingJobSummary(job)
            return Row(
                id: job.id, href: "/training-jobs/\(job.id)", algorithm: summary.algorithm, task: summary.task,
                status: job.status.rawValue, steps: summary.stepsText,
                reward: summary.latestReward.map { LineChart.number(exact: $0) }, created: Format.time(job.createdAt))
        }
        isEmpty = rows.isEmpty
        olderHref = next.map { PageURL.make("/training-jobs", [("cursor", String($0))]) }
        newestHref = cursor == nil ? nil : "/training-jobs"
        hasPager = olderHref != nil || newestHref != nil
        apiHref = PageURL.make("/api/v1/training-jobs", [("cursor", cursor.map(String.init))])
    }
}
