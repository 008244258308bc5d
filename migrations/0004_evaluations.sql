-- An evaluation: one checkpoint on a set of benchmarks under one normalised
-- configuration. The same checkpoint and configuration is the same evaluation.
CREATE TABLE evaluation (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoint(id),
    config        TEXT NOT NULL,
    config_sha256 TEXT NOT NULL,
    concurrency   INTEGER NOT NULL CHECK (concurrency > 0),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'running', 'finished', 'failed', 'cancelled')),
    error         TEXT,
    total         INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    started_at    TEXT,
    finished_at   TEXT,
    UNIQUE (checkpoint_id, config_sha256)
);
CREATE INDEX evaluation_by_status ON evaluation(status);

-- The benchmarks of an evaluation, pinned to the dataset version they use.
CREATE TABLE evaluation_benchmark (
    evaluation_id  INTEGER NOT NULL REFERENCES evaluation(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    benchmark      TEXT NOT NULL,
    dataset_sha256 TEXT NOT NULL,
    items          INTEGER NOT NULL,
    PRIMARY KEY (evaluation_id, benchmark)
);

-- One sample: a repeat of an item, written as soon as it finishes, so a
-- restarted server redoes nothing that was done.
CREATE TABLE sample (
    evaluation_id INTEGER NOT NULL REFERENCES evaluation(id) ON DELETE CASCADE,
    benchmark     TEXT NOT NULL,
    item_id       TEXT NOT NULL,
    repeat        INTEGER NOT NULL,
    seed          INTEGER NOT NULL,
    trajectory    TEXT NOT NULL,
    prediction    TEXT,
    correct       INTEGER NOT NULL CHECK (correct IN (0, 1)),
    score         REAL NOT NULL,
    verdict       TEXT NOT NULL,
    metric        TEXT NOT NULL,
    finish_reason TEXT NOT NULL,
    search_calls  INTEGER NOT NULL,
    python_calls  INTEGER NOT NULL,
    model_calls   INTEGER NOT NULL,
    latency_ms    INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, benchmark, item_id, repeat)
);
