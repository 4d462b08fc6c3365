-- Authdeck schema: the last authorization server metadata seen for each environment's issuer.
-- A browser sign-in whose metadata fetch fails uses it to know whether the callback must carry
-- `iss` (RFC 9207), instead of silently not requiring it. Kept only while `issuer` is still
-- the environment's issuer URL. No column holds a secret.

CREATE TABLE issuer_metadata (
    environment_id          TEXT PRIMARY KEY REFERENCES environments (id) ON DELETE CASCADE,
    issuer                  TEXT NOT NULL,
    iss_parameter_supported INTEGER NOT NULL CHECK (iss_parameter_supported IN (0, 1)),
    seen_at                 INTEGER NOT NULL
) STRICT;
