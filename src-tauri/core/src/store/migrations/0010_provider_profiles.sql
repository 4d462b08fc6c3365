-- Authdeck schema 10: provider profiles. An environment names whose quirks its provider has
-- (Entra's "/.default" scopes, Slack's answer shape, ...): 'standard' for one that follows the
-- RFCs, as every environment before this schema did. A token may carry the API base its
-- provider named for it (Salesforce's instance_url). No column holds a secret.
ALTER TABLE environments ADD COLUMN profile TEXT NOT NULL DEFAULT 'standard';
ALTER TABLE tokens ADD COLUMN api_base_url TEXT;
