-- Authdeck schema 22: a DPoP proof key may be ES256, EdDSA, PS256 or RS256, so its algorithm is
-- kept beside its thumbprint (`dpop_jkt`, schema 15) in a column of its own. Set together with
-- the thumbprint and cleared with it; every key made before this schema was ES256.
ALTER TABLE apps ADD COLUMN dpop_alg TEXT CHECK (dpop_alg IN ('ES256', 'EdDSA', 'RS256', 'PS256'));
UPDATE apps SET dpop_alg = 'ES256' WHERE dpop_jkt IS NOT NULL;
