-- Authdeck schema 17: pushed authorization requests (RFC 9126). An app may opt in: its browser
-- logins push their parameters to the provider's PAR endpoint and the browser gets only
-- `client_id` and `request_uri`. A property of the app, as its registration at the provider
-- (`require_pushed_authorization_requests`, RFC 9126 §6) is.
ALTER TABLE apps ADD COLUMN par INTEGER NOT NULL DEFAULT 0 CHECK (par IN (0, 1));
