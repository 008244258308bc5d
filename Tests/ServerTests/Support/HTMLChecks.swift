import Foundation

/// Structural checks of the HTML the pages render: what a validator would
/// flag first, without one (no network for the W3C checker here).
enum HTMLChecks {
    static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    ]

    /// Problems found in `html`; empty when the page passes.
    static func problems(in html: String) -> [String] {
        var problems: [String] = []
        if !html.hasPrefix("<!DOCTYPE html>") { problems.append("no <!DOCTYPE html> first") }
        for required in [#"<html lang="en">"#, #"<meta charset="utf-8">"#, #"<meta name="viewport""#, "<title>", "<main"] where !html.contains(required) {
            problems.append("missing \(required)")
        }
        if html.components(separatedBy: "<h1").count != 2 { problems.append("not exactly one <h1>") }
        let tables = html.components(separatedBy: "<table").count - 1
        let captions = html.components(separatedBy: "<caption").count - 1
        if tables != captions { problems.append("\(tables) tables but \(captions) captions") }
        for header in html.components(separatedBy: "<th").dropFirst() {
            // `<thead>` also starts with "<th".
            guard let first = header.first, first == " " || first == ">" else { continue }
            if !header.prefix(while: { $0 != ">" }).contains("scope=") { problems.append("<th> without scope") }
        }
        problems += nesting(of: html)
        var ids = Set<String>()
        for part in html.components(separatedBy: " id=\"").dropFirst() {
            let id = String(part.prefix(while: { $0 != "\"" }))
            if !ids.insert(id).inserted { problems.append("duplicate id \(id)") }
        }
        return problems
    }

    /// Elements closed in the wrong order or never closed. (The pages have
    /// no inline script or style, so every `<` outside a tag is escaped.)
    static func nesting(of html: String) -> [String] {
        var stack: [String] = []
        var problems: [String] = []
        var index = html.startIndex
        while let open = html[index...].firstIndex(of: "<") {
            guard let close = html[open...].firstIndex(of: ">") else { break }
            let tag = html[html.index(after: open)..<close]
            index = html.index(after: close)
            // Comments and doctype; `<line ... />` closes itself (inline SVG).
            if tag.hasPrefix("!") || tag.hasSuffix("/") { continue }
            let closing = tag.hasPrefix("/")
            let name = tag.drop(while: { $0 == "/" }).prefix(while: { $0.isLetter || $0.isNumber }).lowercased()
            guard !name.isEmpty, !voidElements.contains(name) else { continue }
            if closing {
                guard stack.last == name else {
                    problems.append("</\(name)> closes <\(stack.last ?? "nothing")>")
                    return problems
                }
                stack.removeLast()
            } else {
                stack.append(name)
            }
        }
        if !stack.isEmpty { problems.append("never closed: \(stack.joined(separator: ", "))") }
        return problems
    }
}
