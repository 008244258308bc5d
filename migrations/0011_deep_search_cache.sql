-- The deep search (issue 13 point 8): what it read from the web, kept so
-- that a rerun of an evaluation reads the same and calls nothing. The
-- search API's answers go to search_cache (0003) like the other remote
-- backends'. Only definite answers are stored: a fetch or summary that
-- failed is not, and is tried again by the next run.

-- A fetched page, by the address asked for and the byte cap it was read
-- with (another cap can give another text). text is NULL for a page that
-- is not text (an image, a PDF), which the search skips.
CREATE TABLE web_page_cache (
    url          TEXT NOT NULL,
    max_bytes    INTEGER NOT NULL,
    final_url    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    text         TEXT,
    truncated    INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (url, max_bytes)
);

-- A summariser's answer, by the SHA-256 of its whole request (route,
-- model, sampling, messages: the question, reasoning, query and windows).
CREATE TABLE search_summary_cache (
    key        TEXT PRIMARY KEY,
    summary    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
