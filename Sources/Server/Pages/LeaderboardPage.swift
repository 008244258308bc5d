import Benchmarks
import Mustache
import ServerCore

/// The model of `/`: one ranking as a table, its reported rows, a pager.
struct LeaderboardPage: Sendable {
    struct SourceLink: Sendable {
        var title: String
        var href: String
        var current: Bool
    }

    struct RowView: Sendable, MustacheParent {
        var rank: String
        var name: String
        var href: String
        var cells: [ScoreCell]

        func child(named key: String) -> Any? {
            switch key {
            case "rank": rank
            case "name": name
            case "href": href
            case "cells": cells
            default: nil
            }
        }
    }

    struct ReportedRowView: Sendable {
        var name: String
        var sourceURL: String
        var note: String?
        var cells: [ScoreCell]
    }

    var sources: [SourceLink]
    /// Links filtering by protocol (`?protocol=`): all, default, each preset.
    var protocols: [SourceLink]
    var caption: String
    /// How the table is sorted, above it.
    var description: String
    var headerRows: [HeaderRow]
    var rows: [RowView]
    var reported: [ReportedRowView]
    var hasReported: Bool
    var hiddenReported: Int?
    var columnCount: Int
    var pager: Pager
    var jsonHref: String
    var isEmpty: Bool
    /// False when there is nothing to show: no ranked nor reported row.
    var showTable: Bool

    static let perPage = 100

    /// The model of page `page` (1-based) of `board`.
    init(_ board: Leaderboard, page: Int, hasImported: Bool, reportedCount: Int, protocol label: String? = nil) {
        let source = board.source
        protocols = ([nil, "default"] + ProtocolPreset.allCases.map(\.rawValue)).map { option in
            SourceLink(
                title: option.map { "protocol \($0)" } ?? "all protocols",
                href: PageURL.make("/", [("data", source.rawValue), ("protocol", option)]), current: option == label)
        }
        let sort = board.sort
        let layout = TableLayout(columns: board.columns, averaged: board.averaged)
        sources = DataSource.allCases.map { option in
            SourceLink(
                title: option.title, href: PageURL.make("/", [("data", option.rawValue)]), current: option == source)
        }
        caption = "Ranking on \(source.title.lowercased()): Pass@1 and Pass@5 in %"
        description = sort.field == .name
            ? "By checkpoint name, \(sort.order == .asc ? "A to Z" : "Z to A")"
            : "Sorted by \(layout.title(of: sort)), \(sort.order == .desc ? "highest first" : "lowest first")"
        headerRows = layout.headerRows(sort: sort, source: source, protocol: label)
        columnCount = layout.columnCount
        let total = board.rows.count
        let start = min((page - 1) * Self.perPage, total)
        rows = board.rows[start..<min(start + Self.perPage, total)].map { row in
            RowView(
                rank: row.rank.map(String.init) ?? "–", name: row.name, href: "/checkpoints/\(row.checkpointID)",
                cells: layout.cells(scores: row.cells.mapValues(\.scores), results: row.cells, averages: row.averages))
        }
        reported = board.reported.map { row in
            ReportedRowView(
                name: row.reported.name, sourceURL: row.reported.sourceURL, note: row.reported.note,
                cells: layout.cells(scores: row.reported.scoresByBenchmark, results: [:], averages: row.averages))
        }
        hasReported = !reported.isEmpty
        hiddenReported = source == .sample && reportedCount > 0 ? reportedCount : nil
        pager = Pager(page: page, perPage: Self.perPage, total: total) { number in
            PageURL.make(
                "/", [("data", source.rawValue), ("sort", sort.key), ("order", sort.order.rawValue), ("page", String(number)), ("protocol", label)])
        }
        jsonHref = PageURL.make(
            "/api/v1/leaderboard", [("data", source.rawValue), ("sort", sort.key), ("order", sort.order.rawValue), ("protocol", label)])
        isEmpty = board.rows.isEmpty
        showTable = !isEmpty || hasReported
    }

    /// How many pages `rows` rows take.
    static func pageCount(rows: Int) -> Int { max(1, (rows + perPage - 1) / perPage) }
}
