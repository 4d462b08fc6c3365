-- Authdeck schema 13: each environment keeps its number of apps, kept right by triggers.
-- Counting them on every read of an environment cost a scan of its apps (about 3 ms with
-- 10,000 apps), paid by every command that names one, `authdeck token` included.
ALTER TABLE environments ADD COLUMN app_count INTEGER NOT NULL DEFAULT 0;
UPDATE environments
   SET app_count = (SELECT count(*) FROM apps a WHERE a.environment_id = environments.id);

CREATE TRIGGER apps_count_insert AFTER INSERT ON apps BEGIN
  UPDATE environments SET app_count = app_count + 1 WHERE id = NEW.environment_id;
END;

-- Deleting an environment deletes its apps (ON DELETE CASCADE), which fires this as well.
CREATE TRIGGER apps_count_delete AFTER DELETE ON apps BEGIN
  UPDATE environments SET app_count = app_count - 1 WHERE id = OLD.environment_id;
END;

CREATE TRIGGER apps_count_move AFTER UPDATE OF environment_id ON apps
  WHEN NEW.environment_id IS NOT OLD.environment_id BEGIN
  UPDATE environments SET app_count = app_count - 1 WHERE id = OLD.environment_id;
  UPDATE environments SET app_count = app_count + 1 WHERE id = NEW.environment_id;
END;
