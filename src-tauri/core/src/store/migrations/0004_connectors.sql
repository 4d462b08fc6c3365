-- Authdeck schema 4: provider connectors (managing apps through a provider's API) and the
-- remote identity of apps created or imported through one. No secret here either: an RFC 7592
-- registration access token is the keychain entry `registration:<app id>`.

-- At most one connector per environment.
CREATE TABLE connectors (
    environment_id TEXT PRIMARY KEY REFERENCES environments (id) ON DELETE CASCADE,
    -- 'registration': RFC 7591/7592 dynamic client registration; 'oauth_apps': a REST
    -- "OAuth apps" API ({base}/v1/oauthApps).
    kind           TEXT NOT NULL CHECK (kind IN ('registration', 'oauth_apps')),
    -- The registration endpoint, or the REST API's base URL.
    base_url       TEXT NOT NULL,
    -- The app of this environment whose client-credentials token authenticates the API (the
    -- initial access token for registration, when the provider wants one).
    auth_app_id    TEXT REFERENCES apps (id) ON DELETE SET NULL,
    updated_at     INTEGER NOT NULL
) STRICT;

-- Apps that exist at the provider, as the connector knows them.
CREATE TABLE remote_apps (
    app_id      TEXT PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('registration', 'oauth_apps')),
    -- `oauthApps/{id}`, or the registration client URI (RFC 7592).
    remote_id   TEXT NOT NULL,
    created_by  TEXT,
    updated_by  TEXT,
    create_time TEXT,
    update_time TEXT,
    synced_at   INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX remote_apps_remote ON remote_apps (kind, remote_id);
