-- One random id per database (issues 14 and 15): the part of every Ray
-- submission id that tells this server's jobs and replicas from another
-- server's on a shared cluster. A restarted server reads the same id, so
-- the submission ids it recorded still name its own jobs.
CREATE TABLE server_instance (
    id TEXT NOT NULL
);
INSERT INTO server_instance (id) VALUES (lower(hex(randomblob(4))));
