import Foundation
import Mustache
import NIOCore
import ServerCore

/// Why a page could not be rendered.
enum PageError: Error, CustomStringConvertible {
    case templatesUnreadable(String)
    case missingTemplate(String)

    var description: String {
        switch self {
        case .templatesUnreadable(let detail): "the page templates could not be loaded: \(detail)"
        case .missingTemplate(let name): "no page template named \(name)"
        }
    }
}

/// What every page shows around its content: title, navigation, footer.
/// Templates see stored properties only (Mustache reads them by reflection).
struct PageChrome: Sendable {
    var title: String
    var version: String
    var schemaVersion: Int
    /// `?v=` of the stylesheet and script URLs: changes with their content.
    var assetVersion: String
    /// Which navigation entry is current.
    var isLeaderboard: Bool
    var isBenchmarks: Bool
    var isTraining: Bool
    /// The page uses the whole window width (the wide ranking table).
    var wide: Bool
    /// A script from `/static` the page loads (progressive enhancement only).
    var script: String?
    /// With JavaScript off, reload every this many seconds (running jobs).
    var refreshSeconds: Int?
}

/// The object a template renders: the chrome and the page's own model.
struct PageContext<Body: Sendable>: Sendable {
    var chrome: PageChrome
    var page: Body
}

/// Renders the Mustache templates of `Public/templates`. `{{name}}` escapes
/// HTML, and the templates never use the unescaped forms, so every value a
/// user controls reaches the page as text.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let version: String
    let schemaVersion: Int
    let assetVersion: String

    /// Loads every `*.mustache` file of `directory`, each registered under
    /// its file name without the extension.
    static func load(
        directory: URL, version: String, schemaVersion: Int, assetVersion: String
    ) throws(PageError) -> PageRenderer {
        var library = MustacheLibrary()
        do {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            for name in names.sorted() where name.hasSuffix(".mustache") {
                let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                try library.register(text, named: String(name.dropLast(".mustache".count)))
            }
        } catch {
            throw .templatesUnreadable("\(directory.path): \(error)")
        }
        return PageRenderer(library: library, version: version, schemaVersion: schemaVersion, assetVersion: assetVersion)
    }

    /// Chrome for a page titled `title` in navigation `section`.
    func chrome(
        title: String, section: String = "", wide: Bool = false, script: String? = nil, refreshSeconds: Int? = nil
    ) -> PageChrome {
        PageChrome(
            title: title, version: version, schemaVersion: schemaVersion, assetVersion: assetVersion, isLeaderboard: section == "leaderboard",
            isBenchmarks: section == "benchmarks", isTraining: section == "training", wide: wide, script: script, refreshSeconds: refreshSeconds)
    }

    /// Renders template `name` with `page` inside `chrome`.
    func render<Body: Sendable>(_ name: String, chrome: PageChrome, page: Body) throws -> ByteBuffer {
        guard let html = library.render(PageContext(chrome: chrome, page: page), withTemplate: name) else {
            throw PageError.missingTemplate(name)
        }
        return ByteBuffer(string: html)
    }
}
