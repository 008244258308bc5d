-- Training jobs: a built-in `aepo train` run or an admin-defined template
-- (e.g. the verl recipe), each in its own child process.
CREATE TABLE training_job (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL CHECK (kind IN ('builtin', 'template')),
    template      TEXT,
    config        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'running', 'finished', 'failed', 'cancelled')),
    error         TEXT,
    pid           INTEGER,
    checkpoint_id INTEGER REFERENCES checkpoint(id),
    evaluation_id INTEGER REFERENCES evaluation(id),
    latest        TEXT,
    created_at    TEXT NOT NULL,
    started_at    TEXT,
    finished_at   TEXT
);
CREATE INDEX training_job_by_status ON training_job(status);

-- Every event a job emitted, in order; `seq` is also the SSE `id:`.
CREATE TABLE training_event (
    job_id     INTEGER NOT NULL REFERENCES training_job(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    type       TEXT NOT NULL CHECK (type IN ('status', 'metric', 'log', 'end')),
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
);
