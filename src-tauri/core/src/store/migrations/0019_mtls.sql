-- Authdeck schema 19: mutual-TLS client authentication (RFC 8705). An app may use
-- tls_client_auth (a certificate from a CA the provider trusts) or self_signed_tls_client_auth
-- (a certificate the provider holds), so the auth method's CHECK grows; SQLite changes a CHECK
-- only by rebuilding the table (as in schema 11, run with foreign keys off, checked before
-- commit; the table's indexes and schema 13's triggers are made again). And an app's client
-- certificates: the certificate itself (PUBLIC, PEM) and what is shown of it; the private key
-- is in the keychain under `client-cert:<id>`, with the secrets' active / retired lifecycle.

CREATE TABLE apps_rebuilt (
    id             TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    display_name   TEXT NOT NULL,
    client_id      TEXT NOT NULL,
    client_type    TEXT NOT NULL CHECK (client_type IN ('confidential', 'public')),
    auth_method    TEXT NOT NULL
                   CHECK (auth_method IN ('client_secret_basic', 'client_secret_post',
                                          'client_secret_jwt', 'private_key_jwt',
                                          'tls_client_auth', 'self_signed_tls_client_auth',
                                          'none')),
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
    renewal_paused_at INTEGER,
    dpop           INTEGER NOT NULL DEFAULT 0 CHECK (dpop IN (0, 1)),
    dpop_jkt       TEXT,
    par            INTEGER NOT NULL DEFAULT 0 CHECK (par IN (0, 1))
) STRICT;
INSERT INTO apps_rebuilt (id, environment_id, display_name, client_id, client_type, auth_method,
    description, logo_uri, redirect_uris, logout_urls, web_origins, default_scopes, labels, link,
    created_at, updated_at, audience, resource, auto_renew, renewal_paused_at, dpop, dpop_jkt,
    par)
SELECT id, environment_id, display_name, client_id, client_type, auth_method,
    description, logo_uri, redirect_uris, logout_urls, web_origins, default_scopes, labels, link,
    created_at, updated_at, audience, resource, auto_renew, renewal_paused_at, dpop, dpop_jkt,
    par
FROM apps;
DROP TABLE apps;
ALTER TABLE apps_rebuilt RENAME TO apps;
CREATE UNIQUE INDEX apps_name ON apps (environment_id, display_name COLLATE NOCASE);
CREATE UNIQUE INDEX apps_client_id ON apps (environment_id, client_id);
CREATE INDEX apps_link ON apps (link COLLATE NOCASE) WHERE link IS NOT NULL;
CREATE TRIGGER apps_count_insert AFTER INSERT ON apps BEGIN
  UPDATE environments SET app_count = app_count + 1 WHERE id = NEW.environment_id;
END;
CREATE TRIGGER apps_count_delete AFTER DELETE ON apps BEGIN
  UPDATE environments SET app_count = app_count - 1 WHERE id = OLD.environment_id;
END;
CREATE TRIGGER apps_count_move AFTER UPDATE OF environment_id ON apps
  WHEN NEW.environment_id IS NOT OLD.environment_id BEGIN
  UPDATE environments SET app_count = app_count - 1 WHERE id = OLD.environment_id;
  UPDATE environments SET app_count = app_count + 1 WHERE id = NEW.environment_id;
END;

CREATE TABLE client_certs (
    id           TEXT PRIMARY KEY,
    app_id       TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    -- the certificate (and any chain after it), PEM: public, what the TLS handshake presents
    cert_pem     TEXT NOT NULL,
    -- the certificate's subject DN (RFC 4514) and when it stops being valid
    subject      TEXT NOT NULL,
    not_after    INTEGER NOT NULL,
    -- base64url SHA-256 of the certificate's DER: RFC 8705's x5t#S256
    x5t_s256     TEXT NOT NULL,
    label        TEXT NOT NULL,
    -- 'generated' in Authdeck (self-signed) or 'imported'
    origin       TEXT NOT NULL CHECK (origin IN ('generated', 'imported')),
    added_at     INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('active', 'retired'))
) STRICT;
CREATE INDEX client_certs_app ON client_certs (app_id, state);
CREATE UNIQUE INDEX client_certs_x5t ON client_certs (app_id, x5t_s256);
