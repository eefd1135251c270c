-- Private sub-registries: groups, their claimed namespaces and members, API tokens (PAT and
-- VAT), publishes awaiting approval, and the group a server belongs to. See docs/storage.md
-- and docs/governance.md.

-- One row per group (a named sub-registry).
CREATE TABLE groups (
  name              TEXT    PRIMARY KEY,            -- [a-z0-9][a-z0-9-]{0,62}
  title             TEXT,
  visibility        TEXT    NOT NULL CHECK (visibility IN ('private', 'public')),
  include_patterns  TEXT    NOT NULL DEFAULT '[]',  -- JSON array of public names or "prefix*" patterns
  require_approval  INTEGER NOT NULL DEFAULT 0 CHECK (require_approval IN (0, 1)),
  policy            TEXT,                           -- JSON admission policy, or NULL
  created_at        INTEGER NOT NULL,
  created_by        TEXT    NOT NULL,
  updated_at        INTEGER NOT NULL                -- part of the group's cache keys
) WITHOUT ROWID;

-- A claimed namespace (lower case, exactly the part of a name before '/') belongs to one group.
CREATE TABLE group_namespaces (
  namespace   TEXT PRIMARY KEY,
  group_name  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX group_namespaces_by_group ON group_namespaces (group_name, namespace);

-- Roles per group. A member is a subject (github:<login>, oidc:<sub>, an e-mail, …) or an
-- identity-provider group claim (idp:<group>), in its canonical form (domain/groups.ts).
CREATE TABLE group_members (
  group_name  TEXT    NOT NULL,
  member      TEXT    NOT NULL,
  role        TEXT    NOT NULL CHECK (role IN ('viewer', 'publisher', 'manager')),
  added_at    INTEGER NOT NULL,
  added_by    TEXT    NOT NULL,
  PRIMARY KEY (group_name, member)
) WITHOUT ROWID;
CREATE INDEX group_members_by_member ON group_members (member, group_name);

-- Personal (PAT) and service (VAT) tokens: only the SHA-256 of the secret is stored.
CREATE TABLE api_tokens (
  id            TEXT    PRIMARY KEY,
  hash          TEXT    NOT NULL UNIQUE,             -- hex SHA-256 of the whole token
  kind          TEXT    NOT NULL CHECK (kind IN ('personal', 'service')),
  name          TEXT    NOT NULL,
  owner         TEXT    NOT NULL,                    -- PAT: its person's actor key; VAT: its creator's
  identities    TEXT    NOT NULL DEFAULT '[]',       -- PAT: the member forms of its person (JSON)
  group_name    TEXT,                                -- VAT: the group it is bound to
  access        TEXT    NOT NULL,                    -- JSON [{group, role}]
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  last_used_at  INTEGER,
  revoked_at    INTEGER,
  CHECK ((kind = 'service') = (group_name IS NOT NULL))
) WITHOUT ROWID;
CREATE INDEX api_tokens_by_owner ON api_tokens (owner, created_at);
CREATE INDEX api_tokens_by_group ON api_tokens (group_name, created_at) WHERE group_name IS NOT NULL;

-- Publishes into a group with requireApproval, until a manager decides. Never read by the
-- catalogue's read paths.
CREATE TABLE pending_versions (
  name          TEXT    NOT NULL,
  version       TEXT    NOT NULL,
  group_name    TEXT    NOT NULL,
  server_json   TEXT    NOT NULL,
  submitted_at  INTEGER NOT NULL,
  submitted_by  TEXT    NOT NULL,                    -- actor key
  request_id    TEXT,
  PRIMARY KEY (name, version)
) WITHOUT ROWID;
CREATE INDEX pending_versions_by_group ON pending_versions (group_name, submitted_at);

-- The group whose claimed namespace holds the server (NULL: the public catalogue). Set by the
-- publishing writer; the triggers below keep it equal to the claim at commit time.
ALTER TABLE server_versions ADD COLUMN group_name TEXT;
ALTER TABLE servers ADD COLUMN group_name TEXT;
CREATE INDEX server_versions_by_group ON server_versions (group_name, name, version) WHERE group_name IS NOT NULL;
-- Claims compare the lower-cased namespace.
CREATE INDEX servers_by_lower_namespace ON servers (lower(namespace));

-- Backstops for the races the per-namespace and per-group writers cannot serialize between
-- them: a publish and a claim of the same namespace. Whichever D1 commits second aborts.
CREATE TRIGGER server_versions_group_matches_claim
BEFORE INSERT ON server_versions
WHEN NEW.group_name IS NOT (
  SELECT group_name FROM group_namespaces
   WHERE namespace = lower(substr(NEW.name, 1, instr(NEW.name, '/') - 1))
)
BEGIN
  SELECT RAISE(ABORT, 'namespace claim changed');
END;

-- A submission awaiting approval must belong to the group that claims its namespace at commit
-- time too, or it could never be approved (a release or a deletion raced it).
CREATE TRIGGER pending_versions_group_matches_claim
BEFORE INSERT ON pending_versions
WHEN NEW.group_name IS NOT (
  SELECT group_name FROM group_namespaces
   WHERE namespace = lower(substr(NEW.name, 1, instr(NEW.name, '/') - 1))
)
BEGIN
  SELECT RAISE(ABORT, 'namespace claim changed');
END;

CREATE TRIGGER group_namespaces_unclaimed
BEFORE INSERT ON group_namespaces
WHEN EXISTS (SELECT 1 FROM servers WHERE lower(namespace) = NEW.namespace AND group_name IS NULL)
BEGIN
  SELECT RAISE(ABORT, 'namespace already has public servers');
END;

-- A batch's assertion about what writers of other streams may have committed since its reads:
-- `INSERT INTO batch_assertions (failure) SELECT … WHERE <condition>` aborts the whole batch
-- when the condition holds (D1 batches have no other conditional abort). Never holds a row.
CREATE TABLE batch_assertions (failure TEXT NOT NULL);
CREATE TRIGGER batch_assertions_abort
BEFORE INSERT ON batch_assertions
BEGIN
  SELECT RAISE(ABORT, 'batch assertion failed');
END;

-- Remote URLs are unique per catalogue (the public one, group_name NULL, and each group's), not
-- across them: a private server may use a public server's URL or another group's, and the
-- holder of a conflict is then always of the writer's own catalogue. The backstops of
-- 0002_writes.sql compared every holder; they are replaced by their per-catalogue versions. An
-- inserted remote row's catalogue is that of its version row, which every writer inserts (or
-- already holds) earlier in the same batch.
DROP TRIGGER server_remotes_single_holder;
CREATE TRIGGER server_remotes_single_holder
BEFORE INSERT ON server_remotes
WHEN EXISTS (
  SELECT 1 FROM server_remotes r
    JOIN server_versions v ON v.name = r.name AND v.version = r.version
   WHERE r.url = NEW.url AND r.name <> NEW.name AND v.status <> 'deleted'
     AND v.group_name IS (SELECT group_name FROM server_versions WHERE name = NEW.name AND version = NEW.version)
)
BEGIN
  SELECT RAISE(ABORT, 'remote URL is already used by another server');
END;

DROP TRIGGER server_versions_restore_remote_holder;
CREATE TRIGGER server_versions_restore_remote_holder
BEFORE UPDATE OF status ON server_versions
WHEN OLD.status = 'deleted' AND NEW.status <> 'deleted' AND EXISTS (
  SELECT 1 FROM server_remotes mine
    JOIN server_remotes r ON r.url = mine.url AND r.name <> mine.name
    JOIN server_versions v ON v.name = r.name AND v.version = r.version
   WHERE mine.name = NEW.name AND mine.version = NEW.version AND v.status <> 'deleted'
     AND v.group_name IS NEW.group_name
)
BEGIN
  SELECT RAISE(ABORT, 'remote URL is already used by another server');
END;
