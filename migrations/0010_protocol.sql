-- Evaluations that survive real models and say which protocol produced
-- them (issue 13).

-- A sample that failed for good (a model call that kept failing, a context
-- overflow, a crash of the loop) is stored with its error, scored incorrect
-- (verdict 'error'); judge_error says the judge failed and the rule check
-- decided instead.
ALTER TABLE sample ADD COLUMN error TEXT;
ALTER TABLE sample ADD COLUMN judge_error TEXT;
CREATE INDEX sample_errors ON sample(evaluation_id) WHERE error IS NOT NULL;

ALTER TABLE evaluation_result ADD COLUMN errors INTEGER NOT NULL DEFAULT 0;
ALTER TABLE evaluation_result ADD COLUMN judge_fallbacks INTEGER NOT NULL DEFAULT 0;

-- The protocol label of the configuration ('default', 'aepo-paper', or
-- either with '+custom'), for the leaderboard's filter. Evaluations created
-- before this migration ran under the default protocol of their time.
ALTER TABLE evaluation ADD COLUMN protocol TEXT NOT NULL DEFAULT 'default';
CREATE INDEX evaluation_by_protocol ON evaluation(protocol);

-- System prompts an admin stored by name; an evaluation copies the texts
-- into its configuration, so changing one here changes no evaluation.
CREATE TABLE prompt (
    name       TEXT PRIMARY KEY,
    system     TEXT NOT NULL,
    system_zh  TEXT,
    sha256     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
