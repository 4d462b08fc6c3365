-- Authdeck schema 18: tokens got by OAuth 2.0 Token Exchange (RFC 8693). The source's CHECK
-- grows to 'token_exchange' (SQLite widens a CHECK only by rebuilding the table, run with foreign
-- keys off and checked before commit), and the answer's issued_token_type is kept with it.
-- Number 18 is another branch's; this one is 19 whether or not 18 has landed.

CREATE TABLE tokens_19 (
    id                 TEXT PRIMARY KEY,
    app_id             TEXT NOT NULL UNIQUE REFERENCES apps (id) ON DELETE CASCADE,
    source             TEXT NOT NULL
                       CHECK (source IN ('client_credentials', 'authorization_code', 'device_code',
                                         'token_exchange')),
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
    has_refresh_token  INTEGER NOT NULL DEFAULT 0 CHECK (has_refresh_token IN (0, 1)),
    refresh_expires_at INTEGER,
    refresh_sent_at    INTEGER,
    has_id_token       INTEGER NOT NULL DEFAULT 0 CHECK (has_id_token IN (0, 1)),
    id_claims          TEXT,
    sign_in_ended_at   INTEGER,
    api_base_url       TEXT,
    -- RFC 8693 §2.2.1 issued_token_type, for an exchanged token only (a URI, not a secret).
    issued_token_type  TEXT
) STRICT;

INSERT INTO tokens_19 (id, app_id, source, token_type, issued_at, expires_at, requested_scopes,
                       granted_scopes, is_jwt, secret_id, revoked_at, fingerprint, renew_error,
                       has_refresh_token, refresh_expires_at, refresh_sent_at, has_id_token,
                       id_claims, sign_in_ended_at, api_base_url)
SELECT id, app_id, source, token_type, issued_at, expires_at, requested_scopes, granted_scopes,
       is_jwt, secret_id, revoked_at, fingerprint, renew_error, has_refresh_token,
       refresh_expires_at, refresh_sent_at, has_id_token, id_claims, sign_in_ended_at,
       api_base_url
FROM tokens;

DROP TABLE tokens;
ALTER TABLE tokens_19 RENAME TO tokens;
