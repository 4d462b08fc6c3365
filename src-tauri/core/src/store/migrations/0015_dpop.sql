-- Authdeck schema 15: DPoP sender-constrained tokens (RFC 9449). An app may be DPoP-bound: its
-- token requests carry a proof signed with its own proof key, and its tokens are bound to that
-- key. `dpop_jkt` is the RFC 7638 thumbprint of the key's PUBLIC part, set once the key exists;
-- the private key is in the keychain under `dpop-key:<app id>`, nowhere else.
ALTER TABLE apps ADD COLUMN dpop INTEGER NOT NULL DEFAULT 0 CHECK (dpop IN (0, 1));
ALTER TABLE apps ADD COLUMN dpop_jkt TEXT;
