import GRDB

extension TrainingStore {
    /// A job and its metric series as of one moment: everything the job's
    /// page draws, and the sequence number its script follows on from.
    package struct ChartSnapshot: Sendable {
        package var job: Job
        /// The job's last event when the snapshot was read (0: none yet).
        package var lastSeq: Int64
        /// How many metric events the series were read from.
        package var metricEvents: Int
        /// Finite values by metric key, in event order, at most `limit` each.
        package var series: [String: [MetricPoint]]
    }

    /// Job `id` with the series of `keys` from its metric events, each
    /// reduced to at most `limit` points by ``SeriesReducer``, all read in
    /// one transaction so `lastSeq` is exactly the last event drawn.
    ///
    /// Values are picked out by SQLite (`json_extract`) and streamed through
    /// the reducers, so memory stays `O(keys × limit)` for any job length.
    /// Non-numeric and non-finite values are skipped. Keys are matched as
    /// ``TrainingIngester/metricLine(_:)`` stores them (slashes unescaped).
    package func chartSnapshot(job id: Int64, keys: [String], limit: Int) async throws -> ChartSnapshot {
        try await database.writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM training_job WHERE id = ?", arguments: [id]) else {
                throw TrainingStoreError.notFound(id)
            }
            let lastSeq = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM training_event WHERE job_id = ?", arguments: [id]) ?? 0
            let filter = "job_id = ? AND seq <= ? AND type = 'metric' AND json_valid(data)"
            let count = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM training_event WHERE \(filter)", arguments: [id, lastSeq]) ?? 0
            var reducers = keys.map { _ in SeriesReducer(total: count, limit: limit) }
            if count > 0, !keys.isEmpty {
                let columns = keys.indices.map { "json_extract(data, ?) AS value\($0)" }.joined(separator: ", ")
                var arguments = StatementArguments(keys.map(Self.jsonPath))
                arguments += [id, lastSeq]
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT json_extract(data, '$.step') AS step, \(columns) FROM training_event WHERE \(filter) ORDER BY seq",
                    arguments: arguments)
                var index = 0
                while let row = try rows.next() {
                    defer { index += 1 }
                    guard let step = Self.number(row["step"]) else { continue }
                    for column in keys.indices {
                        guard let value = Self.number(row["value\(column)"]) else { continue }
                        reducers[column].add(MetricPoint(step: step, value: value), at: index)
                    }
                }
            }
            var series: [String: [MetricPoint]] = [:]
            for (key, reducer) in zip(keys, reducers) { series[key] = reducer.points }
            return ChartSnapshot(job: Self.job(from: row), lastSeq: lastSeq, metricEvents: count, series: series)
        }
    }

    /// The JSON path of metric `key` inside a verl line `{"step":N,"data":{...}}`.
    package static func jsonPath(_ key: String) -> String {
        "$.data.\"" + key.replacingOccurrences(of: "\"", with: "") + "\""
    }

    /// A finite number, or nil for NULL, text, blobs, NaN and infinities.
    private static func number(_ value: DatabaseValue) -> Double? {
        switch value.storage {
        case .int64(let integer): Double(integer)
        case .double(let double): double.isFinite ? double : nil
        case .null, .string, .blob: nil
        }
    }
}
