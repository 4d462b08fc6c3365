-- Authdeck schema 23: the same rules for an app's row, written so SQLite checks them in line.
-- A CHECK of `x IN (more than two values)` is run by building a temporary index of the values
-- (with its own page cache) every time a row is written: for the auth method (schema 19) and
-- the DPoP key's algorithm (schema 22), twice per app written by an import's insert-or-update,
-- about a tenth of importing 10,000 apps. The same values compared one by one (`x = 'a' OR
-- x = 'b' …`; NULL passes as it did) cost a few comparisons. SQLite changes a CHECK only by
-- rebuilding the table (as in schema 19: foreign keys off, checked before commit; the table's
-- indexes and schema 13's triggers are made again).

CREATE TABLE apps_rebuilt (
    id             TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    display_name   TEXT NOT NULL,
    client_id      TEXT NOT NULL,
    client_type    TEXT NOT NULL CHECK (client_type IN ('confidential', 'public')),
    auth_method    TEXT NOT NULL
                   CHECK (auth_method = 'client_secret_basic'
                       OR auth_method = 'client_secret_post'
                       OR auth_method = 'client_secret_jwt'
                       OR auth_method = 'private_key_jwt'
                       OR auth_method = 'tls_client_auth'
                       OR auth_method = 'self_signed_tls_client_auth'
                       OR auth_method = 'none'),
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
    par            INTEGER NOT NULL DEFAULT 0 CHECK (par IN (0, 1)),
    dpop_alg       TEXT CHECK (dpop_alg = 'ES256' OR dpop_alg = 'EdDSA' OR dpop_alg = 'RS256'
                               OR dpop_alg = 'PS256')
) STRICT;
INSERT INTO apps_rebuilt (id, environment_id, display_name, client_id, client_type, auth_method,
    description, logo_uri, redirect_uris, logout_urls, web_origins, default_scopes, labels, link,
    created_at, updated_at, audience, resource, auto_renew, renewal_paused_at, dpop, dpop_jkt,
    par, dpop_alg)
SELECT id, environment_id, display_name, client_id, client_type, auth_method,
    description, logo_uri, redirect_uris, logout_urls, web_origins, default_scopes, labels, link,
    created_at, updated_at, audience, resource, auto_renew, renewal_paused_at, dpop, dpop_jkt,
    par, dpop_alg
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
