-- Authdeck schema 16: the OIDC sign-in to a team vault. `sign_in` may now be `oidc`, with the
-- OIDC role in `sign_in_name` (NULL: the mount's default role) and the auth mount in
-- `auth_mount`; the port of the vault's loopback callback (`http://localhost:PORT/oidc/callback`,
-- 0: any free port) is kept here, so a later `team login` listens where the role allows. Not a
-- secret: the token the sign-in gives stays in the keychain only.
ALTER TABLE team_vaults ADD COLUMN callback_port INTEGER;
