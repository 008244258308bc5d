-- The local search corpus: documents indexed with FTS5 and ranked by BM25.
CREATE TABLE corpus_document (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL UNIQUE,
    title  TEXT NOT NULL DEFAULT '',
    text   TEXT NOT NULL
);

CREATE VIRTUAL TABLE corpus_fts USING fts5(
    title, text, content = 'corpus_document', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER corpus_document_ai AFTER INSERT ON corpus_document BEGIN
    INSERT INTO corpus_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER corpus_document_ad AFTER DELETE ON corpus_document BEGIN
    INSERT INTO corpus_fts (corpus_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER corpus_document_au AFTER UPDATE ON corpus_document BEGIN
    INSERT INTO corpus_fts (corpus_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO corpus_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

-- Answers of remote search backends (HTTP retriever, web search API), kept
-- so that a rerun of an evaluation sees the same results.
CREATE TABLE search_cache (
    backend    TEXT NOT NULL,
    query      TEXT NOT NULL,
    top_k      INTEGER NOT NULL,
    results    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (backend, query, top_k)
);
