-- Moderation and the audit trail: reports, review marks, the denylist, and the append-only
-- audit log that replaces namespace_changes. See docs/storage.md.

-- Every write and decision, and every refused attempt by an authenticated actor, numbered
-- without gaps per stream. A stream is a namespace, or "~auth" (token exchanges) or
-- "~moderation" (denylist entries that span namespaces). Rows are written in the same D1 batch
-- as the change they record, by the stream's Durable Object.
CREATE TABLE audit_log (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,  -- global order, never reused
  namespace      TEXT    NOT NULL,                   -- the stream
  seq            INTEGER NOT NULL,                   -- 1, 2, 3, … per stream
  at             INTEGER NOT NULL,                   -- µs since the epoch
  actor_method   TEXT    NOT NULL,                   -- auth method, or "reporter" (address hash)
  actor_subject  TEXT    NOT NULL,
  action         TEXT    NOT NULL,                   -- publish | status | status-all | edit | report | …
  name           TEXT,                               -- target server name (or denylist value)
  version        TEXT,
  outcome        TEXT    NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
  reason         TEXT,                               -- why denied or failed
  request_id     TEXT,
  detail         TEXT,                               -- JSON: what changed or was decided
  UNIQUE (namespace, seq)
);
INSERT INTO audit_log (namespace, seq, at, actor_method, actor_subject, action, name, version, outcome, detail)
  SELECT namespace, seq, changed_at, actor_method, actor_subject, action, name, version, 'ok', detail
    FROM namespace_changes ORDER BY changed_at, namespace, seq;
DROP TABLE namespace_changes;
CREATE INDEX audit_log_by_actor ON audit_log (actor_subject, id);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE INDEX audit_log_by_time ON audit_log (at);

-- Append-only, whatever the caller: no statement may change or remove an entry.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit entries are append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit entries are append-only');
END;

-- Community reports. The reporter is "<method>:<subject>" for token holders and
-- "address:<salted hash>" for anonymous reporters; weight is what one report counts for.
CREATE TABLE reports (
  seq                 INTEGER PRIMARY KEY AUTOINCREMENT,  -- paging order
  id                  TEXT    NOT NULL UNIQUE,            -- public id (UUID)
  name                TEXT    NOT NULL,
  version             TEXT,
  reason              TEXT    NOT NULL,
  details             TEXT,
  reporter            TEXT    NOT NULL,
  weight              INTEGER NOT NULL,
  created_at          INTEGER NOT NULL,
  status              TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolved_at         INTEGER,
  resolution          TEXT,                               -- dismiss | deprecate | delete | denylist
  resolution_message  TEXT
);
-- Weighted open count of a target, and the review queue by name.
CREATE INDEX reports_open_by_name ON reports (name, reporter) WHERE status = 'open';
-- The review queue: oldest first per status.
CREATE INDEX reports_by_status ON reports (status, seq);
-- The per-reporter rate limit: reports of one reporter in the last hour.
CREATE INDEX reports_by_reporter ON reports (reporter, created_at);

-- Servers whose weighted open reports reached the threshold; reads mark them under review.
CREATE TABLE review_marks (
  name   TEXT    PRIMARY KEY,
  since  INTEGER NOT NULL
) WITHOUT ROWID;

-- Names, namespaces, remote hosts and packages that may not be published.
CREATE TABLE denylist (
  kind        TEXT    NOT NULL CHECK (kind IN ('namespace', 'server', 'remote-host', 'package')),
  value       TEXT    NOT NULL,            -- normalised: see worker/domain/denylist.ts
  reason      TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  created_by  TEXT    NOT NULL,            -- "<method>:<subject>"
  PRIMARY KEY (kind, value)
) WITHOUT ROWID;
