-- How many samples of an evaluation are written, kept by triggers so that
-- progress events and views need no COUNT(*) over the samples.
ALTER TABLE evaluation ADD COLUMN done INTEGER NOT NULL DEFAULT 0;
UPDATE evaluation SET done = (SELECT COUNT(*) FROM sample s WHERE s.evaluation_id = evaluation.id);

CREATE TRIGGER sample_counted AFTER INSERT ON sample
BEGIN
    UPDATE evaluation SET done = done + 1 WHERE id = NEW.evaluation_id;
END;

CREATE TRIGGER sample_uncounted AFTER DELETE ON sample
BEGIN
    UPDATE evaluation SET done = done - 1 WHERE id = OLD.evaluation_id;
END;
