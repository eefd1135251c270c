-- Sync in and out: mirror provenance, the ordered change feed, upstream sources and webhook
-- subscriptions. See docs/storage.md ("Sync").

-- A mirrored version's provenance: the canonical base URL of the upstream it came from (NULL:
-- published or imported here) and the upstream's updatedAt (µs) when it was last applied.
ALTER TABLE server_versions ADD COLUMN mirror_source TEXT;
ALTER TABLE server_versions ADD COLUMN mirror_updated_at INTEGER;

-- The change feed (GET /x/changes): one row per change of a version row, in commit order. Each
-- row holds the version's resulting official metadata; the server.json is read from the version
-- row when a page is rendered (only admin edits change it, and they are changes of their own).
-- Written by the triggers below only, so no write path (publish, status, edit, approval, sweep,
-- import, mirror, a hand-made statement) can forget it. isLatest moves alone are not changes (the
-- official rule derives them, and updated_since does not report them either).
--
-- Three positions, all assigned by the triggers inside the writing statement (D1 runs one
-- statement or batch at a time, so each only grows, in commit order):
--   seq         the order of all changes (AUTOINCREMENT: never reused). Internal: its gaps would
--               count the changes of catalogues a reader may not see, so no cursor shows it.
--   pos         the change's position in its own catalogue (group_name; NULL: the public one):
--               1, 2, 3… without gaps. The public feed's cursor.
--   public_pos  the public catalogue's pos at this change (a public row's own pos). A group's
--               feed shows its own rows and its included public ones: its cursor is the pair
--               (public_pos, pos of the group), both things the group's readers may count.
CREATE TABLE catalog_feed (
  seq                INTEGER PRIMARY KEY AUTOINCREMENT,
  at                 INTEGER NOT NULL,  -- µs, D1's clock when the change committed
  name               TEXT    NOT NULL,
  version            TEXT    NOT NULL,
  -- publish | status | delete | edit | update | withdraw (see domain/change-feed.ts)
  action             TEXT    NOT NULL,
  -- why, when a bulk path says so (feed_cause): denylist-sweep | mirror | import; else NULL
  cause              TEXT,
  group_name         TEXT,
  pos                INTEGER NOT NULL,
  public_pos         INTEGER NOT NULL,
  status             TEXT    NOT NULL,
  status_message     TEXT,
  status_changed_at  INTEGER NOT NULL,
  published_at       INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  is_latest          INTEGER NOT NULL,
  mirror_source      TEXT,
  mirror_updated_at  INTEGER
);
-- A catalogue's feed from a position (the public feed; a group's own rows, and its included
-- public rows filtered on the way), and each catalogue's head (max(pos): one seek).
CREATE INDEX catalog_feed_by_catalogue ON catalog_feed (group_name, pos);
-- Internal readers by seq (storage/d1-feed.ts readFeed): a group's own rows.
CREATE INDEX catalog_feed_by_group ON catalog_feed (group_name, seq) WHERE group_name IS NOT NULL;

-- The cause of the changes a batch makes: a bulk path inserts one row at the start of its D1
-- batch and deletes it at the end (a batch is one transaction, so no other write sees it).
CREATE TABLE feed_cause (cause TEXT NOT NULL);

-- Everything already in the catalogue, as publishes in the order of its updates.
INSERT INTO catalog_feed (at, name, version, action, cause, group_name, pos, public_pos, status,
                          status_message, status_changed_at, published_at, updated_at, is_latest)
  SELECT updated_at, name, version, 'publish', 'import', group_name,
         row_number() OVER (PARTITION BY group_name ORDER BY updated_at, name, version),
         sum(group_name IS NULL) OVER (ORDER BY updated_at, name, version ROWS UNBOUNDED PRECEDING),
         status, status_message, status_changed_at, published_at, updated_at, is_latest
    FROM server_versions ORDER BY updated_at, name, version;

-- What the triggers below append: a change without its positions, time and cause, which the
-- INSTEAD OF trigger adds in one place. Never read.
CREATE VIEW catalog_feed_append AS
  SELECT name, version, action, group_name, status, status_message, status_changed_at, published_at,
         updated_at, is_latest, mirror_source, mirror_updated_at
    FROM catalog_feed;

CREATE TRIGGER catalog_feed_append_row INSTEAD OF INSERT ON catalog_feed_append
BEGIN
  INSERT INTO catalog_feed (at, name, version, action, cause, group_name, pos, public_pos, status,
                            status_message, status_changed_at, published_at, updated_at, is_latest,
                            mirror_source, mirror_updated_at)
  VALUES (CAST(unixepoch('subsec') * 1000000 AS INTEGER), NEW.name, NEW.version, NEW.action,
          (SELECT cause FROM feed_cause LIMIT 1), NEW.group_name,
          (SELECT coalesce(max(pos), 0) + 1 FROM catalog_feed WHERE group_name IS NEW.group_name),
          (SELECT coalesce(max(pos), 0) FROM catalog_feed WHERE group_name IS NULL) + (NEW.group_name IS NULL),
          NEW.status, NEW.status_message, NEW.status_changed_at, NEW.published_at, NEW.updated_at,
          NEW.is_latest, NEW.mirror_source, NEW.mirror_updated_at);
END;

CREATE TRIGGER catalog_feed_on_insert AFTER INSERT ON server_versions
BEGIN
  INSERT INTO catalog_feed_append
  VALUES (NEW.name, NEW.version, 'publish', NEW.group_name, NEW.status, NEW.status_message,
          NEW.status_changed_at, NEW.published_at, NEW.updated_at, NEW.is_latest, NEW.mirror_source,
          NEW.mirror_updated_at);
END;

-- Every change but an isLatest move. A row that changes group (or name or version: only by
-- hand) first leaves its old catalogue ("withdraw") and then appears in the new one. The entry
-- carries the row's is_latest as this statement leaves it: writers move the flag before they
-- change a row (server-writes.ts statusChangeStatements, import-entries.ts), so it is the
-- resulting one.
CREATE TRIGGER catalog_feed_on_update AFTER UPDATE ON server_versions
WHEN OLD.status IS NOT NEW.status OR OLD.status_message IS NOT NEW.status_message
  OR OLD.status_changed_at IS NOT NEW.status_changed_at OR OLD.published_at IS NOT NEW.published_at
  OR OLD.updated_at IS NOT NEW.updated_at OR OLD.server_json IS NOT NEW.server_json
  OR OLD.group_name IS NOT NEW.group_name OR OLD.mirror_source IS NOT NEW.mirror_source
  OR OLD.mirror_updated_at IS NOT NEW.mirror_updated_at OR OLD.name IS NOT NEW.name
  OR OLD.version IS NOT NEW.version
BEGIN
  INSERT INTO catalog_feed_append
  SELECT OLD.name, OLD.version, 'withdraw', OLD.group_name, OLD.status, OLD.status_message,
         OLD.status_changed_at, OLD.published_at, OLD.updated_at, OLD.is_latest, OLD.mirror_source,
         OLD.mirror_updated_at
   WHERE OLD.group_name IS NOT NEW.group_name OR OLD.name IS NOT NEW.name OR OLD.version IS NOT NEW.version;
  INSERT INTO catalog_feed_append
  VALUES (NEW.name, NEW.version,
          CASE
            WHEN OLD.group_name IS NOT NEW.group_name OR OLD.name IS NOT NEW.name
              OR OLD.version IS NOT NEW.version THEN 'publish'
            WHEN NEW.status = 'deleted' AND OLD.status <> 'deleted' THEN 'delete'
            WHEN OLD.status IS NOT NEW.status OR OLD.status_message IS NOT NEW.status_message THEN 'status'
            WHEN OLD.server_json IS NOT NEW.server_json THEN 'edit'
            ELSE 'update'
          END,
          NEW.group_name, NEW.status, NEW.status_message, NEW.status_changed_at, NEW.published_at,
          NEW.updated_at, NEW.is_latest, NEW.mirror_source, NEW.mirror_updated_at);
END;

-- No write path deletes version rows (deletion is a status) but a group's deletion, whose rows
-- the next trigger forgets; a hand-made DELETE still shows.
CREATE TRIGGER catalog_feed_on_delete AFTER DELETE ON server_versions
BEGIN
  INSERT INTO catalog_feed_append
  VALUES (OLD.name, OLD.version, 'withdraw', OLD.group_name, OLD.status, OLD.status_message,
          OLD.status_changed_at, OLD.published_at, OLD.updated_at, OLD.is_latest, OLD.mirror_source,
          OLD.mirror_updated_at);
END;

-- A deleted group's feed goes with it: a group created later under the same name starts an
-- empty feed of its own (and its readers never see what the old group's held).
CREATE TRIGGER catalog_feed_forget_group AFTER DELETE ON groups
BEGIN
  DELETE FROM catalog_feed WHERE group_name = OLD.name;
END;

-- Upstream registries mirrored by the cron (/x/admin/sources). `url` is the canonical base URL
-- (the provenance that mirrored rows carry); one source per URL.
CREATE TABLE sources (
  id               TEXT    PRIMARY KEY,
  url              TEXT    NOT NULL UNIQUE,
  into_group       TEXT,                     -- NULL: the public catalogue
  include_json     TEXT    NOT NULL DEFAULT '[]',
  exclude_json     TEXT    NOT NULL DEFAULT '[]',
  created_at       INTEGER NOT NULL,
  created_by       TEXT    NOT NULL,
  -- Where the next step resumes: 'feed' (the upstream's /x/changes; `position` is its cursor)
  -- or 'list' (GET /v0.1/servers; `position` the page cursor of the pass under way, `since` the
  -- updated_since of that pass in µs). An upstream's cursor is at most 1,024 characters.
  mode             TEXT,
  position         TEXT,
  since            INTEGER,
  pass_high        INTEGER,                  -- highest upstream updatedAt seen in this pass (µs)
  last_attempt_at  INTEGER,                  -- the last step's start (its lease: a newer one ends it)
  last_success_at  INTEGER,                  -- the last step that ended without an error
  caught_up_at     INTEGER,                  -- the last step that reached the upstream's end
  last_error       TEXT,
  added            INTEGER NOT NULL DEFAULT 0,
  updated          INTEGER NOT NULL DEFAULT 0,
  unchanged        INTEGER NOT NULL DEFAULT 0,
  skipped          INTEGER NOT NULL DEFAULT 0,
  recent_skips     TEXT    NOT NULL DEFAULT '[]'  -- the last skips with reasons (bounded)
) WITHOUT ROWID;

-- Webhook subscriptions (/x/admin/webhooks). Deliveries follow the feed: `cursor` is the seq of
-- the last change settled (delivered or dead-lettered); `in_flight` the seq whose queue
-- message is out (one at a time per subscription, which keeps them in order).
CREATE TABLE webhooks (
  id              TEXT    PRIMARY KEY,
  url             TEXT    NOT NULL,
  events_json     TEXT    NOT NULL,
  group_name      TEXT,                      -- NULL: the public feed
  secret          TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  created_by      TEXT    NOT NULL,
  cursor          INTEGER NOT NULL,
  in_flight       INTEGER,
  in_flight_since INTEGER
) WITHOUT ROWID;

-- One row per (subscription, change) attempted: the deliveries log (bounded per subscription
-- by the cron).
CREATE TABLE webhook_deliveries (
  webhook_id      TEXT    NOT NULL,
  seq             INTEGER NOT NULL,
  state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_status     INTEGER,
  last_error      TEXT,
  first_at        INTEGER NOT NULL,
  last_at         INTEGER NOT NULL,
  PRIMARY KEY (webhook_id, seq)
) WITHOUT ROWID;
