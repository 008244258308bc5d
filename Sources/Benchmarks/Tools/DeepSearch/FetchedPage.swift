/// A web page as the deep search keeps it: its text, or the fact that it
/// is not text. Both are definite answers and are cached; a failed fetch is
/// not a `FetchedPage` (`PageFetchError`).
public struct FetchedPage: Sendable, Hashable, Codable {
    /// The address the text came from, after redirects.
    public var url: String
    /// The media type the server gave (`text/html`), lower-cased, without
    /// parameters; empty when it gave none.
    public var contentType: String
    /// The page's text (HTML turned into text, other text types with their
    /// whitespace collapsed); nil for a type that is not text (images,
    /// PDFs, archives), which the search skips.
    public var text: String?
    /// Whether the body was cut at the byte cap.
    public var truncated: Bool

    /// Creates a page.
    public init(url: String, contentType: String, text: String?, truncated: Bool = false) {
        self.url = url
        self.contentType = contentType
        self.text = text
        self.truncated = truncated
    }
}
