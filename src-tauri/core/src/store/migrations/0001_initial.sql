-- Authdeck schema 1. Metadata only: no column ever holds a secret or token value.
-- Times are seconds since the Unix epoch (UTC). Lists are JSON arrays of strings.

CREATE TABLE environments (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('sandbox', 'production', 'other')),
    color             TEXT NOT NULL,
    issuer_url        TEXT,
    authorization_url TEXT,
    token_url         TEXT,
    token_info_url    TEXT,
    introspection_url TEXT,
    revocation_url    TEXT,
    api_base_url      TEXT,
    rotation_days     INTEGER NOT NULL CHECK (rotation_days > 0),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX environments_name ON environments (name COLLATE NOCASE);

CREATE TABLE apps (
    id             TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    display_name   TEXT NOT NULL,
    client_id      TEXT NOT NULL,
    client_type    TEXT NOT NULL CHECK (client_type IN ('confidential', 'public')),
    auth_method    TEXT NOT NULL
                   CHECK (auth_method IN ('client_secret_basic', 'client_secret_post', 'none')),
    description    TEXT NOT NULL DEFAULT '',
    logo_uri       TEXT,
    redirect_uris  TEXT NOT NULL DEFAULT '[]',
    logout_urls    TEXT NOT NULL DEFAULT '[]',
    web_origins    TEXT NOT NULL DEFAULT '[]',
    default_scopes TEXT NOT NULL DEFAULT '[]',
    labels         TEXT NOT NULL DEFAULT '[]',
    link           TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX apps_name ON apps (environment_id, display_name COLLATE NOCASE);
CREATE UNIQUE INDEX apps_client_id ON apps (environment_id, client_id);
CREATE INDEX apps_link ON apps (link COLLATE NOCASE) WHERE link IS NOT NULL;

CREATE TABLE secrets (
    id                  TEXT PRIMARY KEY,
    app_id              TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    label               TEXT NOT NULL,
    provider_created_at INTEGER,
    added_at            INTEGER NOT NULL,
    fingerprint         TEXT NOT NULL,
    last_verified_at    INTEGER,
    last_used_at        INTEGER,
    state               TEXT NOT NULL CHECK (state IN ('active', 'retired'))
) STRICT;
CREATE INDEX secrets_app ON secrets (app_id, state);

-- A keychain write in progress. Written (and committed) before the keychain is touched, removed
-- in the same transaction as the row it belongs to; whatever is left at start is finished or
-- undone by the reconciler.
CREATE TABLE keychain_intents (
    account        TEXT PRIMARY KEY,
    action         TEXT NOT NULL CHECK (action IN ('put', 'delete')),
    -- for 'delete': the app / environment to remove once all of its entries are gone
    app_id         TEXT,
    environment_id TEXT,
    created_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
