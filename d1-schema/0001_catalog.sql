-- The catalogue: the source of truth for every read path. See docs/storage.md.
-- Timestamps are integer microseconds since the Unix epoch (UTC): exact ordering and
-- strict `>` comparisons for updated_since; formatted as RFC 3339 only on output.

-- One row per server name: per-name aggregates the write path keeps up to date.
CREATE TABLE servers (
  name            TEXT    PRIMARY KEY,
  namespace       TEXT    NOT NULL,             -- the part of the name before '/'
  latest_version  TEXT    NOT NULL,             -- the version flagged is_latest
  version_count   INTEGER NOT NULL,             -- deleted versions included (the 10,000 cap)
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX servers_by_namespace ON servers (namespace, name);

-- One row per (name, version): the server.json as stored plus the official metadata.
CREATE TABLE server_versions (
  name               TEXT    NOT NULL,
  version            TEXT    NOT NULL,
  status             TEXT    NOT NULL DEFAULT 'active'
                             CHECK (status IN ('active', 'deprecated', 'deleted')),
  status_message     TEXT,
  status_changed_at  INTEGER NOT NULL,
  published_at       INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  is_latest          INTEGER NOT NULL DEFAULT 0 CHECK (is_latest IN (0, 1)),
  server_json        TEXT    NOT NULL,          -- compact JSON, official key order
  PRIMARY KEY (name, version)
) WITHOUT ROWID;
-- List with version=latest: walks (name, version) over latest rows only.
CREATE UNIQUE INDEX server_versions_latest ON server_versions (name) WHERE is_latest = 1;
-- Incremental sync (updated_since): range scan on updated_at.
CREATE INDEX server_versions_by_updated_at ON server_versions (updated_at);
-- Exact version filter across names (version=<exact>).
CREATE INDEX server_versions_by_version ON server_versions (version, name);
