-- Authdeck schema 21: RSA signing keys for private_key_jwt (RS256, PS256), so the signing keys'
-- alg CHECK grows; SQLite changes a CHECK only by rebuilding the table (as in schemas 11 and 19,
-- run with foreign keys off, checked before commit; its indexes are made again). Every row is
-- kept as it was; no table refers to signing_keys, and its own reference to apps is kept.

CREATE TABLE signing_keys_rebuilt (
    id           TEXT PRIMARY KEY,
    app_id       TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    -- the JWS algorithm the key signs with (one key, one algorithm)
    alg          TEXT NOT NULL CHECK (alg IN ('ES256', 'EdDSA', 'RS256', 'PS256')),
    -- the RFC 7638 thumbprint of the public key, the assertions' "kid"
    kid          TEXT NOT NULL,
    -- the public JWK (kty and crv, x[, y] or n, e; kid, alg, use): what the provider registers
    public_jwk   TEXT NOT NULL,
    label        TEXT NOT NULL,
    -- 'generated' in Authdeck or 'imported'
    origin       TEXT NOT NULL CHECK (origin IN ('generated', 'imported')),
    added_at     INTEGER NOT NULL,
    last_used_at INTEGER,
    state        TEXT NOT NULL CHECK (state IN ('active', 'retired'))
) STRICT;
INSERT INTO signing_keys_rebuilt (id, app_id, alg, kid, public_jwk, label, origin, added_at,
    last_used_at, state)
SELECT id, app_id, alg, kid, public_jwk, label, origin, added_at, last_used_at, state
FROM signing_keys;
DROP TABLE signing_keys;
ALTER TABLE signing_keys_rebuilt RENAME TO signing_keys;
CREATE INDEX signing_keys_app ON signing_keys (app_id, state);
CREATE UNIQUE INDEX signing_keys_kid ON signing_keys (app_id, kid);
