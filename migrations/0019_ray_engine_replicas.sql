-- Engine replicas on Ray (issue 14): a replica of a profile with the `ray`
-- launcher is a Ray job. Its dashboard address and submission id are
-- recorded before it is submitted, so a server killed at any point stops it
-- through the Jobs API when it starts again.
ALTER TABLE engine_replica ADD COLUMN launcher TEXT NOT NULL DEFAULT 'local' CHECK (launcher IN ('local', 'ray'));
ALTER TABLE engine_replica ADD COLUMN ray_address TEXT;
ALTER TABLE engine_replica ADD COLUMN ray_submission_id TEXT;
