/// The readable text of an HTML page, for the deep search's page windows.
///
/// Not an HTML parser: a single pass over the bytes that drops markup,
/// comments and declarations; drops the contents of scripts, styles and the
/// page furniture that is rarely the answer (navigation, asides, footers,
/// forms' controls, embedded frames and graphics); starts a new line at
/// block elements; decodes character references (`HTMLEntities`); and
/// collapses whitespace (`collapsedLines`). Pages are cut at a byte cap
/// before they get here, so a tag left open at the end is simply dropped.
public enum HTMLText {
    /// Elements whose content is raw text: everything up to their end tag
    /// is dropped, markup-looking text included.
    static let rawTextElements: Set<String> = ["script", "style", "noscript", "template", "textarea", "title"]
    /// Elements dropped with their content (nested ones counted). Without
    /// a matching end tag only the start tag is dropped, so a sloppy page
    /// does not lose everything after it.
    static let droppedElements: Set<String> = [
        "nav", "aside", "footer", "svg", "iframe", "button", "select", "canvas", "object", "dialog",
    ]
    /// Elements that start and end a line.
    static let blockElements: Set<String> = [
        "address", "article", "blockquote", "body", "br", "caption", "dd", "details", "div", "dl", "dt",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "ol",
        "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
    ]
    /// Table cells: a space apart.
    static let cellElements: Set<String> = ["td", "th"]

    /// The text of `html`, one line per block, whitespace collapsed.
    /// - Parameter html: the page (or a fragment, such as a search snippet
    ///   with `<b>` highlights).
    /// - Returns: the text; empty when the page has none.
    public static func plainText(fromHTML html: String) -> String {
        var scanner = HTMLScanner(Array(html.utf8))
        var text = ""
        var runStart = 0
        while let open = scanner.nextTagOpening() {
            guard let tag = scanner.tag(at: open) else { continue }
            text += textRun(scanner.string(runStart..<open))
            scanner.position = tag.end
            switch tag.kind {
            case .start(let name) where rawTextElements.contains(name):
                scanner.position = scanner.endOfRawText(name)
            case .start(let name) where droppedElements.contains(name):
                if !tag.selfClosing, let end = scanner.endOfElement(name) {
                    scanner.position = end
                    text += "\n"
                }
            case .start(let name), .end(let name):
                if blockElements.contains(name) {
                    text += "\n"
                } else if cellElements.contains(name) {
                    text += " "
                }
            case .other:
                break
            }
            runStart = scanner.position
        }
        text += textRun(scanner.string(runStart..<scanner.bytes.count))
        return collapsedLines(text)
    }

    /// A run of text between tags: references decoded, line breaks made
    /// spaces (in HTML only block elements break lines).
    static func textRun(_ raw: String) -> String {
        let decoded = HTMLEntities.decode(raw)
        guard decoded.contains(where: \.isNewline) else { return decoded }
        return String(decoded.map { $0.isNewline ? " " : $0 })
    }

    /// `text` with each line's runs of whitespace made one space, lines
    /// trimmed and empty lines dropped; the lines joined with `\n`.
    public static func collapsedLines(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline)
            .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            .filter { !$0.isEmpty }
            .joined(separator: "\n")
    }
}
