-- Authdeck schema 9: a sign-in the provider has ended. When a refresh is refused with
-- invalid_grant, the grant is gone at the provider, and with it (RFC 7009 §2.1) most likely the
-- access token it gave: the token's state says "sign-in ended" and its value is no longer
-- handed out, until a new sign-in replaces the row. No column holds a secret.

-- When the refusal arrived (Unix seconds); NULL while the sign-in holds (and for client
-- credentials, which have no sign-in).
ALTER TABLE tokens ADD COLUMN sign_in_ended_at INTEGER;
