-- Authdeck schema 11: client authentication by JWT (RFC 7523 §2.2). An app may use
-- client_secret_jwt or private_key_jwt, so the auth method's CHECK grows; SQLite changes a CHECK
-- only by rebuilding the table (https://sqlite.org/lang_altertable.html#otheralter, run with
-- foreign keys off, checked before commit). And an app's signing keys for private_key_jwt:
-- the PUBLIC part only (a JWK without "d"); the private key is in the keychain under
-- `signing-key:<id>`, with the secrets' active / retired lifecycle.

CREATE TABLE apps_rebuilt (
    id             TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    display_name   TEXT NOT NULL,
    client_id      TEXT NOT NULL,
    client_type    TEXT NOT NULL CHECK (client_type IN ('confidential', 'public')),
    auth_method    TEXT NOT NULL
                   CHECK (auth_method IN ('client_secret_basic', 'client_secret_post',
                                          'client_secret_jwt', 'private_key_jwt', 'none')),
    description    TEXT NOT NULL DEFAULT '',
    logo_uri       TEXT,
    redirect_uris  TEXT NOT NULL DEFAULT '[]',
    logout_urls    TEXT NOT NULL DEFAULT '[]',
    web_origins    TEXT NOT NULL DEFAULT '[]',
    default_scopes TEXT NOT NULL DEFAULT '[]',
    labels         TEXT NOT NULL DEFAULT '[]',
    link           TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    audience       TEXT,
    resource       TEXT,
    auto_renew     INTEGER NOT NULL DEFAULT 1 CHECK (auto_renew IN (0, 1)),
    renewal_paused_at INTEGER
) STRICT;
INSERT INTO apps_rebuilt (id, environment_id, display_name, client_id, client_type, auth_method,
    description, logo_uri, redirect_uris, logout_urls, web_origins, default_scopes, labels, link,
    created_at, updated_at, audience, resource, auto_renew, renewal_paused_at)
SELECT id, environment_id, display_name, client_id, client_type, auth_method,
    description, logo_uri, redirect_uris, logout_urls, web_origins, default_scopes, labels, link,
    created_at, updated_at, audience, resource, auto_renew, renewal_paused_at
FROM apps;
DROP TABLE apps;
ALTER TABLE apps_rebuilt RENAME TO apps;
CREATE UNIQUE INDEX apps_name ON apps (environment_id, display_name COLLATE NOCASE);
CREATE UNIQUE INDEX apps_client_id ON apps (environment_id, client_id);
CREATE INDEX apps_link ON apps (link COLLATE NOCASE) WHERE link IS NOT NULL;

CREATE TABLE signing_keys (
    id           TEXT PRIMARY KEY,
    app_id       TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    -- the JWS algorithm the key signs with
    alg          TEXT NOT NULL CHECK (alg IN ('ES256', 'EdDSA')),
    -- the RFC 7638 thumbprint of the public key, the assertions' "kid"
    kid          TEXT NOT NULL,
    -- the public JWK (kty, crv, x[, y], kid, alg, use): what the provider registers
    public_jwk   TEXT NOT NULL,
    label        TEXT NOT NULL,
    -- 'generated' in Authdeck or 'imported'
    origin       TEXT NOT NULL CHECK (origin IN ('generated', 'imported')),
    added_at     INTEGER NOT NULL,
    last_used_at INTEGER,
    state        TEXT NOT NULL CHECK (state IN ('active', 'retired'))
) STRICT;
CREATE INDEX signing_keys_app ON signing_keys (app_id, state);
CREATE UNIQUE INDEX signing_keys_kid ON signing_keys (app_id, kid);
