/// Where the deep search keeps the remote answers it builds on, so a rerun
/// reads them instead of the network: fetched pages (by address and byte
/// cap) and summaries (by a digest of the whole summariser request). The
/// search API's answers are cached by the backend wrapped around the API
/// (the server's `CachedSearch`). Only definite answers are stored: a
/// failed fetch or summary never is.
public protocol DeepSearchCache: Sendable {
    /// The page fetched from `url` with a cap of `maxBytes`, if cached.
    func page(url: String, maxBytes: Int) async throws -> FetchedPage?
    /// Stores a fetched page (a first answer wins over a later one).
    func store(page: FetchedPage, url: String, maxBytes: Int) async throws
    /// The summary stored under `key`, if any.
    func summary(key: String) async throws -> String?
    /// Stores a summary (a first answer wins over a later one).
    func store(summary: String, key: String) async throws
}
