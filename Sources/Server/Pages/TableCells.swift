import Mustache
import ServerCore

/// A header cell of a ranking table.
struct HeaderCell: Sendable, MustacheParent {
    var text: String
    var href: String?
    var scope: String
    var colspan: Int?
    var rowspan: Int?
    var title: String?
    /// `ascending` / `descending` on the column the table is sorted by.
    var ariaSort: String?
    var cls: String?

    func child(named name: String) -> Any? {
        switch name {
        case "text": text
        case "href": href
        case "scope": scope
        case "colspan": colspan
        case "rowspan": rowspan
        case "title": title
        case "ariaSort": ariaSort
        case "cls": cls
        default: nil
        }
    }
}

/// One row of header cells.
struct HeaderRow: Sendable {
    var cells: [HeaderCell]
}

/// A score cell: a percentage linking to its evaluation, or missing.
/// Implements `MustacheParent` so large tables render without reflection.
struct ScoreCell: Sendable, MustacheParent {
    var text: String?
    var href: String?
    var title: String?
    var cls: String?

    /// A missing value: shown as a dash, never as zero.
    static func missing(_ title: String, cls: String? = nil) -> ScoreCell {
        ScoreCell(text: nil, href: nil, title: title, cls: cls.map { "na \($0)" } ?? "na")
    }

    func child(named name: String) -> Any? {
        switch name {
        case "text": text
        case "href": href
        case "title": title
        case "cls": cls
        default: nil
        }
    }
}

/// Links to the previous and next page of a long table.
struct Pager: Sendable {
    var page: Int
    var pageCount: Int
    var firstRow: String
    var lastRow: String
    var total: String
    var previousHref: String?
    var nextHref: String?

    /// The pager of `page` (1-based) over `total` rows, `perPage` a page;
    /// `href` builds the URL of a page number.
    init(page: Int, perPage: Int, total: Int, href: (Int) -> String) {
        self.page = page
        pageCount = max(1, (total + perPage - 1) / perPage)
        firstRow = Format.count(total == 0 ? 0 : (page - 1) * perPage + 1)
        lastRow = Format.count(min(page * perPage, total))
        self.total = Format.count(total)
        previousHref = page > 1 ? href(page - 1) : nil
        nextHref = page < pageCount ? href(page + 1) : nil
    }
}
