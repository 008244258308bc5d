-- Which training job produced a checkpoint (issue 15 point 4): a built-in
-- job's final file, or a template job's merged hf directory. NULL for
-- uploads and endpoints, and for checkpoints registered before this.
ALTER TABLE checkpoint ADD COLUMN training_job_id INTEGER REFERENCES training_job(id);
