-- Authdeck schema 20: who a team vault's token belongs to, as the vault said at the last
-- sign-in, renewal check or `team status` (its display name: `oidc-alice`, `userpass-bob`,
-- `token`), so the audit log's entries about team secrets say who read or wrote them without
-- asking the vault. Not a secret. NULL until the vault is next asked.
ALTER TABLE team_vaults ADD COLUMN signed_in_as TEXT;
