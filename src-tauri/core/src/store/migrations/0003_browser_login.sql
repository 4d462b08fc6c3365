-- Authdeck schema 3: tokens from browser and device logins, with refresh and ID tokens.
-- As before, no column holds a secret or token value: the access token is the keychain entry
-- `token:<id>`, its refresh token `refresh:<id>`, its ID token `idtoken:<id>`.

ALTER TABLE environments ADD COLUMN device_authorization_url TEXT;

-- SQLite cannot widen a CHECK in place: the table is rebuilt with the same rows.
CREATE TABLE tokens_3 (
    id                 TEXT PRIMARY KEY,
    app_id             TEXT NOT NULL UNIQUE REFERENCES apps (id) ON DELETE CASCADE,
    source             TEXT NOT NULL
                       CHECK (source IN ('client_credentials', 'authorization_code', 'device_code')),
    token_type         TEXT NOT NULL,
    issued_at          INTEGER NOT NULL,
    expires_at         INTEGER,
    requested_scopes   TEXT NOT NULL DEFAULT '[]',
    granted_scopes     TEXT,
    is_jwt             INTEGER NOT NULL CHECK (is_jwt IN (0, 1)),
    secret_id          TEXT,
    revoked_at         INTEGER,
    fingerprint        TEXT NOT NULL,
    renew_error        TEXT,
    -- The keychain holds `refresh:<id>` while this is 1.
    has_refresh_token  INTEGER NOT NULL DEFAULT 0 CHECK (has_refresh_token IN (0, 1)),
    -- When the provider said the refresh token ends (refresh_expires_in / refresh_token_expires_in).
    refresh_expires_at INTEGER,
    -- Set just before a refresh request leaves: a refresh token is never sent twice, so one
    -- found set (a crash, a lost answer) counts as spent.
    refresh_sent_at    INTEGER,
    -- The keychain holds `idtoken:<id>` while this is 1.
    has_id_token       INTEGER NOT NULL DEFAULT 0 CHECK (has_id_token IN (0, 1)),
    -- The ID token's claims as validated (signature, iss, aud, exp, nonce), JSON; not a secret.
    id_claims          TEXT
) STRICT;

INSERT INTO tokens_3 (id, app_id, source, token_type, issued_at, expires_at, requested_scopes,
                      granted_scopes, is_jwt, secret_id, revoked_at, fingerprint, renew_error)
SELECT id, app_id, source, token_type, issued_at, expires_at, requested_scopes, granted_scopes,
       is_jwt, secret_id, revoked_at, fingerprint, renew_error
FROM tokens;

DROP TABLE tokens;
ALTER TABLE tokens_3 RENAME TO tokens;
