-- Engine profiles (issue 14): how an admin's vLLM / SGLang (or any
-- OpenAI-compatible server) is launched for an `hf` checkpoint. `profile` is
-- the validated profile as JSON; `source` says whether it came over the API
-- or from `<data-dir>/engines.json` (read at every start).
CREATE TABLE engine_profile (
    name TEXT PRIMARY KEY,
    profile TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('api', 'file')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- One row per run of an engine replica: what was launched (the profile as it
-- was, the argv, the GPUs), where it listened, the engine's own version, and
-- the process identity (pid + start time + boot id; the pid is also its
-- process group) so a server restarted after kill -9 stops what the previous
-- run left behind and signals nothing else.
CREATE TABLE engine_replica (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    profile TEXT NOT NULL,
    profile_json TEXT NOT NULL,
    checkpoint_id INTEGER NOT NULL,
    command TEXT NOT NULL,
    address TEXT,
    gpus TEXT,
    status TEXT NOT NULL CHECK (status IN ('starting', 'ready', 'failed', 'stopped')),
    pid INTEGER,
    pid_start_time INTEGER,
    boot_id TEXT,
    pgid INTEGER,
    engine_version TEXT,
    started_at TEXT NOT NULL,
    ready_at TEXT,
    last_used_at TEXT,
    stopped_at TEXT,
    error TEXT,
    log_tail TEXT
);
CREATE INDEX engine_replica_live ON engine_replica (status) WHERE status IN ('starting', 'ready');
CREATE INDEX engine_replica_by_profile ON engine_replica (profile, id);
