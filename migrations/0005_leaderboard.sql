-- Per-benchmark results of finished evaluations, written in the transaction
-- that marks the evaluation finished (and once at start-up for evaluations
-- finished before this table existed). The sample rows stay the source of
-- truth; this is what the leaderboard pages rank without rescanning them.
CREATE TABLE evaluation_result (
    evaluation_id  INTEGER NOT NULL REFERENCES evaluation(id) ON DELETE CASCADE,
    benchmark      TEXT NOT NULL,
    dataset_sha256 TEXT NOT NULL,
    items          INTEGER NOT NULL,   -- items with all n samples scored
    samples        INTEGER NOT NULL,   -- n, samples per item
    pass_at_1      REAL,
    pass_at_5      REAL,               -- NULL when n < 5
    ci_low         REAL,               -- 95% percentile bootstrap over items, Pass@1
    ci_high        REAL,
    metric         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, benchmark)
);
CREATE INDEX evaluation_result_by_dataset ON evaluation_result(benchmark, dataset_sha256);

-- Results published elsewhere (a paper, a model card), entered by an admin
-- with their source. Shown beside measured results, never ranked with them.
CREATE TABLE reported_result (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    source_url TEXT NOT NULL,
    note       TEXT,
    created_at TEXT NOT NULL
);

-- One benchmark's reported scores, as fractions in [0, 1].
CREATE TABLE reported_score (
    reported_id INTEGER NOT NULL REFERENCES reported_result(id) ON DELETE CASCADE,
    benchmark   TEXT NOT NULL,
    pass_at_1   REAL CHECK (pass_at_1 BETWEEN 0 AND 1),
    pass_at_5   REAL CHECK (pass_at_5 BETWEEN 0 AND 1),
    CHECK (pass_at_1 IS NOT NULL OR pass_at_5 IS NOT NULL),
    PRIMARY KEY (reported_id, benchmark)
);
