-- Every version of every benchmark's data ever imported or shipped, kept so
-- that results stay tied to the exact bytes they were computed on.
CREATE TABLE dataset_version (
    benchmark  TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('sample', 'imported')),
    item_count INTEGER NOT NULL CHECK (item_count > 0),
    file_name  TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (benchmark, sha256)
);

CREATE TABLE dataset_item (
    benchmark TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    position  INTEGER NOT NULL,
    item_id   TEXT NOT NULL,
    question  TEXT NOT NULL,
    answers   TEXT NOT NULL,   -- JSON array of gold aliases
    metadata  TEXT NOT NULL,   -- JSON object of the item's other fields
    line      INTEGER NOT NULL,
    PRIMARY KEY (benchmark, sha256, position),
    UNIQUE (benchmark, sha256, item_id),
    FOREIGN KEY (benchmark, sha256) REFERENCES dataset_version (benchmark, sha256) ON DELETE CASCADE
);

-- The version new evaluations of a benchmark use.
CREATE TABLE active_dataset (
    benchmark    TEXT PRIMARY KEY,
    sha256       TEXT NOT NULL,
    activated_at TEXT NOT NULL,
    FOREIGN KEY (benchmark, sha256) REFERENCES dataset_version (benchmark, sha256)
);
