-- Abuse limits: the per-reporter hourly report limit enforced by the report insert itself, and
-- failed token exchanges counted per hour instead of audited one row each. See docs/storage.md.

-- The report insert computes the reporter's reports in the window (this one included) into
-- window_count, in the same statement, and carries the limit in force: over it, the CHECK
-- aborts the whole batch (report, review mark, audit row). D1 runs statements one at a time,
-- so writers of different namespaces cannot both take the last slot. Older rows hold NULLs.
ALTER TABLE reports ADD COLUMN window_limit INTEGER;
ALTER TABLE reports ADD COLUMN window_count INTEGER
  CONSTRAINT reports_within_rate_limit CHECK (window_count <= window_limit);

-- Failed token exchanges (POST /auth/*) by hour, method and refusal status, upserted by the
-- "~auth" writer. Only the first AUTH_FAILURE_AUDIT_PER_HOUR of an hour also get an audit_log
-- row, so anonymous failures grow storage with time, never with the number of attempts.
CREATE TABLE auth_failures (
  hour          INTEGER NOT NULL,   -- µs since the epoch at the start of the hour (UTC)
  method        TEXT    NOT NULL,   -- github-at | github-oidc | dns | http | oidc | none
  status        INTEGER NOT NULL,   -- the refusal's HTTP status (401, 403, 400, 502, …)
  count         INTEGER NOT NULL,   -- failures in that hour with that method and status
  audited       INTEGER NOT NULL,   -- of which have an audit_log row of their own
  last_at       INTEGER NOT NULL,   -- µs of the latest one
  last_reason   TEXT,               -- its reason (≤ 500 characters)
  last_claimed  TEXT,               -- the identity it claimed (≤ 255 characters; never a secret)
  PRIMARY KEY (hour, method, status)
) WITHOUT ROWID;
