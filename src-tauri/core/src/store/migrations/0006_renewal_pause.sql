-- Authdeck schema 6: automatic renewal paused by an import. When an import changes an endpoint
-- an environment sends secrets or tokens to, its apps' automatic renewal (and every "renew if
-- needed" request) waits until the user gets a token by hand: a file from someone else must
-- not make Authdeck post a client secret to a new URL without a person seeing it first.

-- When the import paused it (Unix seconds); NULL when not paused.
ALTER TABLE apps ADD COLUMN renewal_paused_at INTEGER;
