-- Publishing: the per-namespace change log and the remote-URL index. See docs/storage.md.

-- Every mutation the namespace Durable Objects make, numbered without gaps per namespace.
-- Written in the same D1 batch as the change it records; the audit trail and change feed
-- build on it.
CREATE TABLE namespace_changes (
  namespace      TEXT    NOT NULL,
  seq            INTEGER NOT NULL,             -- 1, 2, 3, … per namespace
  changed_at     INTEGER NOT NULL,             -- µs since the epoch
  action         TEXT    NOT NULL,             -- publish | status | status-all | edit
  name           TEXT    NOT NULL,
  version        TEXT,                         -- null when the change covers every version
  actor_method   TEXT    NOT NULL,             -- the token's auth_method
  actor_subject  TEXT    NOT NULL,             -- the token's auth_method_sub
  detail         TEXT,                         -- JSON: what changed
  PRIMARY KEY (namespace, seq)
) WITHOUT ROWID;
CREATE INDEX namespace_changes_by_time ON namespace_changes (changed_at);

-- One row per remote URL of every stored version: remote URLs are unique across server names
-- among versions that are not deleted (spec §4 step 6).
CREATE TABLE server_remotes (
  url      TEXT NOT NULL,
  name     TEXT NOT NULL,
  version  TEXT NOT NULL,
  PRIMARY KEY (url, name, version)
) WITHOUT ROWID;
CREATE INDEX server_remotes_by_version ON server_remotes (name, version);

-- Backstops for the one cross-namespace race the per-namespace writers cannot serialize: two
-- namespaces claiming the same remote URL at once. The writer checks first and answers with
-- the official message; these abort the whole batch if the check was overtaken.
CREATE TRIGGER server_remotes_single_holder
BEFORE INSERT ON server_remotes
WHEN EXISTS (
  SELECT 1 FROM server_remotes r
    JOIN server_versions v ON v.name = r.name AND v.version = r.version
   WHERE r.url = NEW.url AND r.name <> NEW.name AND v.status <> 'deleted'
)
BEGIN
  SELECT RAISE(ABORT, 'remote URL is already used by another server');
END;

CREATE TRIGGER server_versions_restore_remote_holder
BEFORE UPDATE OF status ON server_versions
WHEN OLD.status = 'deleted' AND NEW.status <> 'deleted' AND EXISTS (
  SELECT 1 FROM server_remotes mine
    JOIN server_remotes r ON r.url = mine.url AND r.name <> mine.name
    JOIN server_versions v ON v.name = r.name AND v.version = r.version
   WHERE mine.name = NEW.name AND mine.version = NEW.version AND v.status <> 'deleted'
)
BEGIN
  SELECT RAISE(ABORT, 'remote URL is already used by another server');
END;
