-- Authdeck schema 2: tokens' metadata, per-app token parameters, secret verification results.
-- As before, no column holds a secret or token value: the token itself is the keychain entry
-- `token:<id>`.

ALTER TABLE apps ADD COLUMN audience TEXT;
ALTER TABLE apps ADD COLUMN resource TEXT;
ALTER TABLE apps ADD COLUMN auto_renew INTEGER NOT NULL DEFAULT 1 CHECK (auto_renew IN (0, 1));

ALTER TABLE secrets ADD COLUMN last_verify_ok INTEGER CHECK (last_verify_ok IN (0, 1));
ALTER TABLE secrets ADD COLUMN last_verify_message TEXT;

-- The current access token of an app (one per app; a new one replaces it).
CREATE TABLE tokens (
    id               TEXT PRIMARY KEY,
    app_id           TEXT NOT NULL UNIQUE REFERENCES apps (id) ON DELETE CASCADE,
    source           TEXT NOT NULL CHECK (source IN ('client_credentials')),
    token_type       TEXT NOT NULL,
    issued_at        INTEGER NOT NULL,
    expires_at       INTEGER,
    requested_scopes TEXT NOT NULL DEFAULT '[]',
    granted_scopes   TEXT,
    is_jwt           INTEGER NOT NULL CHECK (is_jwt IN (0, 1)),
    secret_id        TEXT,
    revoked_at       INTEGER,
    fingerprint      TEXT NOT NULL,
    renew_error      TEXT
) STRICT;
