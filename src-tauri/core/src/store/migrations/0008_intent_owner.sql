-- Authdeck schema: which writer (a running desktop app or CLI, by the id of the lock it holds in
-- locks/writer-<id>.lock) recorded each keychain intent. The reconciler reclaims an intent only
-- once its writer's lock is free, however old the intent; rows without an owner (written by
-- older versions) fall back to the age rule. No column holds a secret.

ALTER TABLE keychain_intents ADD COLUMN owner TEXT;
CREATE INDEX keychain_intents_owner ON keychain_intents (owner);
