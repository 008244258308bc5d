-- A registered endpoint may list several replicas of its model, which share
-- the load, and name the server environment variable holding its key (issue
-- 14). `endpoint_urls` is a JSON array of every replica's base URL, in the
-- order registered; `endpoint_url` stays the first of them. Rows registered
-- before this have NULL: their one replica is `endpoint_url`.
-- `api_key_env` is a variable's name only: a key is never stored.
ALTER TABLE checkpoint ADD COLUMN endpoint_urls TEXT;
ALTER TABLE checkpoint ADD COLUMN api_key_env TEXT;
