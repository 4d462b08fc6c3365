-- Authdeck schema 14: how a person signs in to a team vault, and what the vault last said of
-- the token it gave. The password or secret ID is never kept, and the token stays in the
-- keychain only: `sign_in_name` is a userpass username or an AppRole role ID, neither secret.
ALTER TABLE team_vaults ADD COLUMN sign_in TEXT NOT NULL DEFAULT 'token'; -- token | userpass | approle
ALTER TABLE team_vaults ADD COLUMN sign_in_name TEXT;   -- the username or role ID
ALTER TABLE team_vaults ADD COLUMN auth_mount TEXT;     -- the auth method's mount, such as `userpass`

-- The token's lifetime as the vault last told it (lookup-self, login or renew-self), so a
-- command need not ask before each call: seconds left at `token_checked_at` (NULL: it never
-- expires), the TTL it was created with, and whether it can be renewed.
ALTER TABLE team_vaults ADD COLUMN token_checked_at INTEGER;
ALTER TABLE team_vaults ADD COLUMN token_ttl INTEGER;
ALTER TABLE team_vaults ADD COLUMN token_creation_ttl INTEGER;
ALTER TABLE team_vaults ADD COLUMN token_renewable INTEGER;
