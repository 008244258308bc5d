-- API tokens: only the SHA-256 of a token is ever stored.
CREATE TABLE api_token (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('read', 'write', 'admin')),
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT
);

-- A checkpoint is either an uploaded file (content-addressed by its SHA-256)
-- or a model served elsewhere behind an OpenAI-compatible endpoint.
CREATE TABLE checkpoint (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('file', 'endpoint')),
    sha256          TEXT UNIQUE,
    bytes           INTEGER,
    format          TEXT,
    metadata        TEXT NOT NULL DEFAULT '{}',
    tensor_count    INTEGER,
    parameter_count INTEGER,
    endpoint_url    TEXT,
    endpoint_model  TEXT,
    max_concurrency INTEGER,
    created_at      TEXT NOT NULL,
    CHECK (
        (kind = 'file' AND sha256 IS NOT NULL AND bytes IS NOT NULL AND format IS NOT NULL)
        OR (kind = 'endpoint' AND endpoint_url IS NOT NULL AND endpoint_model IS NOT NULL
            AND max_concurrency IS NOT NULL)
    )
);

-- Every name a checkpoint answers to: its own name and aliases recorded when
-- identical bytes were uploaded again under another name. Names are unique.
CREATE TABLE checkpoint_name (
    name          TEXT PRIMARY KEY,
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoint(id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL
);
CREATE INDEX checkpoint_name_by_checkpoint ON checkpoint_name(checkpoint_id);
