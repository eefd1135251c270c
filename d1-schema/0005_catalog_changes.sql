-- The catalogue's change sequence: which names changed, in the order D1 committed the changes,
-- whatever wrote them and whatever timestamps the data carries. See docs/storage.md.
--
-- One row per name that has ever had a version row; `seq` is the position of the name's last
-- change in a sequence that only grows across the whole catalogue (not dense: a name changed
-- again leaves its earlier number unused). The search
-- index records the highest seq when a build starts; everything after it is the overlay
-- (`seq > watermark`), exactly, with no clock involved. The cache-repair cron uses it the same
-- way for the names changed since its last run.
CREATE TABLE catalog_changes (
  name  TEXT    PRIMARY KEY,
  seq   INTEGER NOT NULL
) WITHOUT ROWID;
-- The overlay and the repair cron: names changed after a given seq; the head (max seq).
CREATE UNIQUE INDEX catalog_changes_by_seq ON catalog_changes (seq);

-- Existing names, in the order of their last update (ties by name).
INSERT INTO catalog_changes (name, seq)
  SELECT name, row_number() OVER (ORDER BY max(updated_at), name)
    FROM server_versions GROUP BY name;

-- Maintained by triggers, so no write path (publish, status change, edit, moderation, import,
-- a hand-made `wrangler d1 execute`) can forget it. SQLite runs the triggers inside the
-- writing statement, and D1 runs one statement (or batch) at a time: a name's new seq is
-- above every seq committed before it, and the head only grows.
CREATE TRIGGER catalog_changes_on_insert AFTER INSERT ON server_versions
BEGIN
  INSERT INTO catalog_changes (name, seq)
    SELECT NEW.name, coalesce(max(seq), 0) + 1 FROM catalog_changes WHERE true
    ON CONFLICT (name) DO UPDATE SET seq = excluded.seq;
END;

CREATE TRIGGER catalog_changes_on_update AFTER UPDATE ON server_versions
BEGIN
  INSERT INTO catalog_changes (name, seq)
    SELECT NEW.name, coalesce(max(seq), 0) + 1 FROM catalog_changes WHERE true
    ON CONFLICT (name) DO UPDATE SET seq = excluded.seq;
END;

-- A renamed row (only by hand) changes its old name too.
CREATE TRIGGER catalog_changes_on_rename AFTER UPDATE OF name ON server_versions
WHEN OLD.name <> NEW.name
BEGIN
  INSERT INTO catalog_changes (name, seq)
    SELECT OLD.name, coalesce(max(seq), 0) + 1 FROM catalog_changes WHERE true
    ON CONFLICT (name) DO UPDATE SET seq = excluded.seq;
END;

-- No write path deletes version rows (deletion is a status); a hand-made DELETE still counts.
CREATE TRIGGER catalog_changes_on_delete AFTER DELETE ON server_versions
BEGIN
  INSERT INTO catalog_changes (name, seq)
    SELECT OLD.name, coalesce(max(seq), 0) + 1 FROM catalog_changes WHERE true
    ON CONFLICT (name) DO UPDATE SET seq = excluded.seq;
END;
