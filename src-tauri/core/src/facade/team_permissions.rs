//! What a member's vault policy allows in a team environment, asked of the vault itself
//! (`sys/capabilities-self`, one request for every path the actions need), never guessed from
//! the policies' names: the window disables what is not allowed and says which capability on
//! which path is missing. The actions still meet the vault's own refusal if the policy
//! changed since.

use super::Core;
use super::team_share::setup_path;
use crate::error::{Error, Result};
use crate::model::EnvironmentId;
use crate::store::teams;
use crate::team::kv::grants;
use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

/// What a member may do in a team environment, by the vault's answer for their token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TeamPermissions {
    /// Adding, retiring and reactivating a secret: `update` on the set-up.
    pub change_setup: TeamPermission,
    /// Copying and revealing a secret, and getting a token with one: `read` on the values.
    pub read_secrets: TeamPermission,
    /// Removing a secret: `delete` on the values' metadata (every version goes).
    pub remove_secrets: TeamPermission,
}

/// One capability on one vault path, and whether the member's token has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TeamPermission {
    pub allowed: bool,
    /// The capability the actions need: `update`, `read` or `delete`.
    pub capability: String,
    /// The vault API path asked about (`secret/metadata/authdeck/acme/sandbox/secrets/*`:
    /// any secret of the environment).
    pub path: String,
    /// What the window says beside a disabled action; `None` when allowed.
    pub refusal: Option<String>,
}

impl Core {
    /// Asks the vault what the member's token may do in a team environment: change its
    /// set-up, read its secrets' values, remove its secrets.
    pub async fn team_permissions(&self, environment: &EnvironmentId) -> Result<TeamPermissions> {
        let (vault, key) =
            teams::of_environment(&self.store()?.conn, environment)?.ok_or_else(|| {
                Error::NotConfigured("This environment is not shared through a team vault.".into())
            })?;
        let token = self.team_token(&vault).await?;
        let kv = self.team_client(&vault, &token)?;
        // Any secret of the environment: policies grant by folder (`…/secrets/*`).
        let any_secret = format!("{key}/secrets/*");
        let setup = kv.api_path("data", &setup_path(&key));
        let values = kv.api_path("data", &any_secret);
        let metadata = kv.api_path("metadata", &any_secret);
        let asked = [setup.clone(), values.clone(), metadata.clone()];
        // One list per path asked, in order.
        let granted = kv.capabilities(&asked).await?;
        Ok(TeamPermissions {
            change_setup: permission("update", "updating", setup, &granted[0]),
            read_secrets: permission("read", "reading", values, &granted[1]),
            remove_secrets: permission("delete", "deleting", metadata, &granted[2]),
        })
    }
}

/// Whether `granted` holds `capability` on `path`, with what the window says when it does not.
fn permission(capability: &str, doing: &str, path: String, granted: &[String]) -> TeamPermission {
    let allowed = grants(granted, capability);
    TeamPermission {
        allowed,
        refusal: (!allowed).then(|| {
            format!(
                "Your vault policy does not allow {doing} {path} (it needs “{capability}” there)."
            )
        }),
        capability: capability.to_owned(),
        path,
    }
}
