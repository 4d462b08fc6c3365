-- Authdeck schema (0012): team vaults. A team vault is a connection to an OpenBao / HashiCorp
-- Vault KV version 2 engine that a team shares; its token lives in the keychain under
-- `team:<name>`, never here. A team environment is one whose set-up and secrets' values live in
-- a team vault under `<path>/<key>/`: its secrets' rows here hold metadata only, with no
-- keychain entry. No column holds a secret.
CREATE TABLE team_vaults (
    name        TEXT PRIMARY KEY NOT NULL,
    addresses   TEXT NOT NULL,          -- JSON array of base URLs, tried in order
    namespace   TEXT,                   -- X-Vault-Namespace, when the vault has namespaces
    mount       TEXT NOT NULL,          -- the KV v2 engine's mount, such as `secret`
    path        TEXT NOT NULL,          -- the team's base path inside the mount
    created_at  INTEGER NOT NULL
);

CREATE TABLE team_environments (
    environment_id TEXT PRIMARY KEY NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    team           TEXT NOT NULL REFERENCES team_vaults (name),
    key            TEXT NOT NULL,       -- the environment's folder under the team's path
    UNIQUE (team, key)
);
