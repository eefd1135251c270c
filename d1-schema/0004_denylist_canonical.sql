-- The denylist in its canonical forms (worker/src/domain/denylist.ts, docs/storage.md), and the
-- scope of entries scoped maintainers add. Rows stored by the code before this migration are
-- brought into the canonical form as far as SQL can:
--
--   namespace, server  trimmed and lower-cased (the old code stored them so already). Values with an empty label ("com.zz.",
--                      stored for "com.zz..") have no canonical form: they stay as they are.
--   remote-host        trailing dots removed ("x.example." is x.example).
--   package            typed "<registryType>:<identity>": "pypi:"-style values keep their type,
--                      URLs become mcpb, "@scope/name" npm, other values with "/" (or a ":")
--                      OCI images, Docker Hub's aliases and implicit "library/" applied. A plain
--                      name (no "/", ":", "@") blocked that identifier in every registry, so it
--                      becomes one entry per registry whose names it can be: npm, pypi (PEP 503),
--                      nuget, oci (docker.io/library/<name>) and cargo.
--
-- What SQL cannot do (rows left as they are; the cron logs them as not canonical, GET lists them
-- and a global maintainer removes them with exactly the listed value): IDNA, IPv4 and IPv6
-- forms of remote hosts ("0x7f.1", "[2001:db8:0::1]"), the URL normalisation of mcpb values
-- (default port, percent escapes, dot segments), and names with empty labels. Such a row keeps
-- matching only keys equal to it. Rows that become equal keep the oldest.

CREATE TABLE denylist_0004 (
  kind        TEXT    NOT NULL CHECK (kind IN ('namespace', 'server', 'remote-host', 'package')),
  value       TEXT    NOT NULL,            -- canonical: see worker/src/domain/denylist.ts
  reason      TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  created_by  TEXT    NOT NULL,            -- "<method>:<subject>"
  scope       TEXT,                        -- JSON array of a scoped adder's edit patterns; NULL: all names
  PRIMARY KEY (kind, value)
) WITHOUT ROWID;

INSERT OR IGNORE INTO denylist_0004 (kind, value, reason, created_at, created_by)
  SELECT kind, lower(trim(value)), reason, created_at, created_by
    FROM denylist WHERE kind IN ('namespace', 'server') ORDER BY created_at;

INSERT OR IGNORE INTO denylist_0004 (kind, value, reason, created_at, created_by)
  SELECT kind,
         CASE WHEN rtrim(lower(trim(value)), '.') = '' THEN lower(trim(value))
              ELSE rtrim(lower(trim(value)), '.') END,
         reason, created_at, created_by
    FROM denylist WHERE kind = 'remote-host' ORDER BY created_at;

-- Packages, staged: t is the registry type (NULL: a plain name, fanned out below), id the rest.
CREATE TABLE denylist_0004_packages (
  t TEXT, id TEXT NOT NULL, reason TEXT NOT NULL, created_at INTEGER NOT NULL, created_by TEXT NOT NULL
);

INSERT INTO denylist_0004_packages (t, id, reason, created_at, created_by)
  SELECT CASE
           WHEN prefix IN ('npm', 'pypi', 'nuget', 'oci', 'mcpb', 'cargo') THEN prefix
           WHEN substr(v, 1, 7) = 'http://' OR substr(v, 1, 8) = 'https://' THEN 'mcpb'
           WHEN substr(v, 1, 1) = '@' THEN 'npm'
           WHEN instr(v, '/') > 0 OR instr(v, ':') > 0 THEN 'oci'
         END,
         CASE WHEN prefix IN ('npm', 'pypi', 'nuget', 'oci', 'mcpb', 'cargo') THEN substr(v, instr(v, ':') + 1)
              ELSE v END,
         reason, created_at, created_by
    FROM (SELECT v, CASE WHEN instr(v, ':') > 1 THEN substr(v, 1, instr(v, ':') - 1) ELSE '' END AS prefix,
                 reason, created_at, created_by
            FROM (SELECT lower(trim(value)) AS v, reason, created_at, created_by
                    FROM denylist WHERE kind = 'package'));

INSERT INTO denylist_0004_packages (t, id, reason, created_at, created_by)
  SELECT r.t, p.id, p.reason, p.created_at, p.created_by
    FROM denylist_0004_packages p,
         (SELECT 'npm' AS t UNION ALL SELECT 'pypi' UNION ALL SELECT 'nuget'
          UNION ALL SELECT 'oci' UNION ALL SELECT 'cargo') r
   WHERE p.t IS NULL
     -- only where the name can be one of that registry's (see denylist-packages.ts)
     AND CASE r.t
           WHEN 'npm' THEN p.id NOT GLOB '*[^a-z0-9._~!''()*-]*'
           WHEN 'pypi' THEN p.id NOT GLOB '*[^a-z0-9._-]*' AND p.id GLOB '[a-z0-9]*' AND p.id GLOB '*[a-z0-9]'
           WHEN 'nuget' THEN p.id NOT GLOB '*[^a-z0-9._-]*' AND p.id NOT GLOB '[.-]*' AND p.id NOT GLOB '*[.-]'
                             AND p.id NOT GLOB '*[.-][.-]*'
           WHEN 'oci' THEN p.id NOT GLOB '*[^a-z0-9._-]*' AND p.id GLOB '[a-z0-9]*' AND p.id GLOB '*[a-z0-9]'
           WHEN 'cargo' THEN p.id GLOB '[a-z]*' AND p.id NOT GLOB '*[^a-z0-9_-]*'
         END;
DELETE FROM denylist_0004_packages WHERE t IS NULL;

-- PyPI (PEP 503): "_" and "." as "-", runs of "-" as one (six passes: runs up to 64).
UPDATE denylist_0004_packages
   SET id = replace(replace(replace(replace(replace(replace(
              replace(replace(id, '_', '-'), '.', '-'),
              '--', '-'), '--', '-'), '--', '-'), '--', '-'), '--', '-'), '--', '-')
 WHERE t = 'pypi';
UPDATE denylist_0004_packages SET id = replace(id, '_', '-') WHERE t = 'cargo';

-- OCI: no digest; no tag ("name:tag" without a "/" kept its tag before); Docker Hub spelled
-- "docker.io", with "library/" for one-component names.
UPDATE denylist_0004_packages SET id = substr(id, 1, instr(id, '@') - 1)
 WHERE t = 'oci' AND instr(id, '@') > 0;
UPDATE denylist_0004_packages SET id = substr(id, 1, instr(id, ':') - 1)
 WHERE t = 'oci' AND instr(id, '/') = 0 AND instr(id, ':') > 0;
UPDATE denylist_0004_packages SET id = 'docker.io/' || substr(id, length('index.docker.io/') + 1)
 WHERE t = 'oci' AND substr(id, 1, length('index.docker.io/')) = 'index.docker.io/';
UPDATE denylist_0004_packages SET id = 'docker.io/' || substr(id, length('registry-1.docker.io/') + 1)
 WHERE t = 'oci' AND substr(id, 1, length('registry-1.docker.io/')) = 'registry-1.docker.io/';
UPDATE denylist_0004_packages SET id = 'docker.io/' || id
 WHERE t = 'oci'
   AND NOT (instr(id, '/') > 0
            AND (instr(substr(id, 1, instr(id, '/') - 1), '.') > 0
                 OR instr(substr(id, 1, instr(id, '/') - 1), ':') > 0
                 OR substr(id, 1, instr(id, '/') - 1) = 'localhost'));
UPDATE denylist_0004_packages SET id = 'docker.io/library/' || substr(id, length('docker.io/') + 1)
 WHERE t = 'oci' AND substr(id, 1, length('docker.io/')) = 'docker.io/'
   AND instr(substr(id, length('docker.io/') + 1), '/') = 0;

INSERT OR IGNORE INTO denylist_0004 (kind, value, reason, created_at, created_by)
  SELECT 'package', t || ':' || id, reason, created_at, created_by
    FROM denylist_0004_packages ORDER BY created_at;
DROP TABLE denylist_0004_packages;

DROP TABLE denylist;
ALTER TABLE denylist_0004 RENAME TO denylist;
