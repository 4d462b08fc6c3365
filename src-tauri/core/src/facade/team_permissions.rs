//! What a member's vault policy allows in a team environment, asked of the vault itself
//! (`sys/capabilities-self`, one request for every path the actions need), never guessed from
//! the policies' names: the window disables what is not allowed and says which capability on
//! which path is missing. Each secret's own paths are asked (`…/secrets/<id>`), not the
//! folder's (`…/secrets/*`), so a policy that names single secrets is reflected secret by
//! secret. The actions still meet the vault's own refusal if the policy changed since.

use super::Core;
use super::team_share::{secret_path, setup_path};
use crate::error::{Error, Result};
use crate::model::{EnvironmentId, SecretId};
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
    /// Each secret of the environment's apps, by the vault's answer for its own paths.
    pub secrets: Vec<SecretPermissions>,
}

/// What a member may do with one team secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SecretPermissions {
    pub secret_id: SecretId,
    /// Copying and revealing it, and getting a token with it: `read` on its value.
    pub read: TeamPermission,
    /// Removing it: `delete` on its value's metadata (every version goes).
    pub remove: TeamPermission,
}

/// One capability on one vault path, and whether the member's token has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TeamPermission {
    pub allowed: bool,
    /// The capability the actions need: `update`, `read` or `delete`.
    pub capability: String,
    /// The vault API path asked about
    /// (`secret/metadata/authdeck/acme/sandbox/secrets/<id>`).
    pub path: String,
    /// What the window says beside a disabled action; `None` when allowed.
    pub refusal: Option<String>,
}

impl Core {
    /// Asks the vault what the member's token may do in a team environment: change its
    /// set-up, and read and remove each of its secrets; one request for every path.
    pub async fn team_permissions(&self, environment: &EnvironmentId) -> Result<TeamPermissions> {
        let (vault, key, ids) = {
            let store = self.store()?;
            let (vault, key) =
                teams::of_environment(&store.conn, environment)?.ok_or_else(|| {
                    Error::NotConfigured(
                        "This environment is not shared through a team vault.".into(),
                    )
                })?;
            let ids = teams::secret_ids_in(&store.conn, environment)?;
            (vault, key, ids)
        };
        let token = self.team_token(&vault).await?;
        let kv = self.team_client(&vault, &token)?;
        let setup = kv.api_path("data", &setup_path(&key));
        // The set-up, then each secret's value and its metadata.
        let mut asked = vec![setup.clone()];
        for id in &ids {
            let path = secret_path(&key, &SecretId(id.clone()));
            asked.push(kv.api_path("data", &path));
            asked.push(kv.api_path("metadata", &path));
        }
        // One list per path asked, in order.
        let granted = kv.capabilities(&asked).await?;
        let secrets = ids
            .into_iter()
            .enumerate()
            .map(|(i, id)| SecretPermissions {
                secret_id: SecretId(id),
                read: permission(
                    "read",
                    "reading",
                    asked[1 + 2 * i].clone(),
                    &granted[1 + 2 * i],
                ),
                remove: permission(
                    "delete",
                    "deleting",
                    asked[2 + 2 * i].clone(),
                    &granted[2 + 2 * i],
                ),
            })
            .collect();
        Ok(TeamPermissions {
            change_setup: permission("update", "updating", setup, &granted[0]),
            secrets,
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
