import Mustache
import ServerCore

/// Markup built by an escaping renderer (``LineChart``), and the only kind
/// of value templates render unescaped (`{{{svg}}}`).
struct ChartMarkup: Sendable, MustacheCustomRenderable {
    private let markup: String

    /// - Parameter markup: SVG whose text and attribute values are escaped.
    init(_ markup: String) {
        self.markup = markup
    }

    var renderText: String { markup }
    var isNull: Bool { false }
}
