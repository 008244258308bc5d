-- Hugging Face model directories ('hf'), uploaded as tar streams and stored
-- as checkpoints/<digest>/, where digest is the SHA-256 of the canonical
-- manifest (one "path\tsize\tsha256\n" line per file, sorted by path).
--
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt
-- (the migrator runs this with foreign keys off and checks them before the
-- commit), keeping every id, so evaluations and names still point at theirs.
CREATE TABLE checkpoint_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL CHECK (kind IN ('file', 'endpoint', 'hf')),
    sha256            TEXT UNIQUE,
    digest            TEXT UNIQUE,
    bytes             INTEGER,
    format            TEXT,
    metadata          TEXT NOT NULL DEFAULT '{}',
    tensor_count      INTEGER,
    parameter_count   INTEGER,
    endpoint_url      TEXT,
    endpoint_model    TEXT,
    max_concurrency   INTEGER,
    architecture      TEXT,
    model_type        TEXT,
    dtype             TEXT,
    context_length    INTEGER,
    has_chat_template INTEGER,
    runnable_by       TEXT,
    message           TEXT,
    created_at        TEXT NOT NULL,
    CHECK (
        (kind = 'file' AND sha256 IS NOT NULL AND bytes IS NOT NULL AND format IS NOT NULL)
        OR (kind = 'endpoint' AND endpoint_url IS NOT NULL AND endpoint_model IS NOT NULL
            AND max_concurrency IS NOT NULL)
        OR (kind = 'hf' AND digest IS NOT NULL AND bytes IS NOT NULL AND parameter_count IS NOT NULL
            AND dtype IS NOT NULL AND has_chat_template IS NOT NULL AND runnable_by IS NOT NULL)
    )
);

INSERT INTO checkpoint_new (
    id, name, kind, sha256, bytes, format, metadata, tensor_count, parameter_count,
    endpoint_url, endpoint_model, max_concurrency, created_at)
SELECT id, name, kind, sha256, bytes, format, metadata, tensor_count, parameter_count,
    endpoint_url, endpoint_model, max_concurrency, created_at
FROM checkpoint;

-- AUTOINCREMENT never reuses an id, even one whose row was deleted: carry
-- the counter over.
INSERT INTO sqlite_sequence (name, seq)
SELECT 'checkpoint_new', seq FROM sqlite_sequence WHERE name = 'checkpoint'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'checkpoint_new');
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'checkpoint')
WHERE name = 'checkpoint_new' AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'checkpoint');

DROP TABLE checkpoint;
ALTER TABLE checkpoint_new RENAME TO checkpoint;

-- The files of an 'hf' checkpoint: its manifest.
CREATE TABLE checkpoint_file (
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoint(id) ON DELETE CASCADE,
    path          TEXT NOT NULL,
    bytes         INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    PRIMARY KEY (checkpoint_id, path)
) WITHOUT ROWID;
