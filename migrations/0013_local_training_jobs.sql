-- Local training jobs that outlive the server (issue 15).
--
-- A job whose process cannot be found again after a restart, and left no
-- exit record, ends `interrupted` (a status of its own: it did not fail,
-- aepo lost it). SQLite cannot change a CHECK constraint in place, so the
-- table is rebuilt (foreign keys are off while a migration runs).
CREATE TABLE training_job_next (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    kind           TEXT NOT NULL CHECK (kind IN ('builtin', 'template')),
    template       TEXT,
    config         TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'running', 'finished', 'failed', 'cancelled', 'interrupted')),
    error          TEXT,
    pid            INTEGER,
    checkpoint_id  INTEGER REFERENCES checkpoint(id),
    evaluation_id  INTEGER REFERENCES evaluation(id),
    latest         TEXT,
    created_at     TEXT NOT NULL,
    started_at     TEXT,
    finished_at    TEXT,
    pid_start_time INTEGER,
    boot_id        TEXT,
    -- The GPUs assigned while it runs, a JSON array (NULL: none managed).
    gpus           TEXT,
    -- Bytes of its stored log events, kept under the server's retention bound.
    log_bytes      INTEGER NOT NULL DEFAULT 0
);
INSERT INTO training_job_next (id, kind, template, config, status, error, pid, checkpoint_id, evaluation_id, latest,
    created_at, started_at, finished_at, pid_start_time, boot_id, log_bytes)
SELECT id, kind, template, config, status, error, pid, checkpoint_id, evaluation_id, latest,
    created_at, started_at, finished_at, pid_start_time, boot_id,
    (SELECT COALESCE(SUM(LENGTH(data)), 0) FROM training_event WHERE job_id = training_job.id AND type = 'log')
FROM training_job;
DROP TABLE training_job;
ALTER TABLE training_job_next RENAME TO training_job;
CREATE INDEX training_job_by_status ON training_job(status);

-- A metric event's step: a step is stored once per job, whichever source
-- (verl's file logger, its console logger, a re-read file) brings it first.
ALTER TABLE training_event ADD COLUMN step INTEGER;
CREATE UNIQUE INDEX training_event_metric_step ON training_event(job_id, step) WHERE step IS NOT NULL;

-- How far the server has read each file a job writes (stdout, stderr, the
-- metrics file), committed with the events read from it.
CREATE TABLE training_source (
    job_id     INTEGER NOT NULL REFERENCES training_job(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    bytes_read INTEGER NOT NULL,
    head       TEXT,
    PRIMARY KEY (job_id, name)
);
