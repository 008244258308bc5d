-- A training job's process is identified by more than its pid: after a
-- restart (or a reboot) the pid may belong to another process. The start
-- time (clock ticks after boot, /proc/<pid>/stat field 22) and the boot id
-- together with the pid name one process, once.
ALTER TABLE training_job ADD COLUMN pid_start_time INTEGER;
ALTER TABLE training_job ADD COLUMN boot_id TEXT;
