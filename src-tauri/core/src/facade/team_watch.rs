//! Following a team environment's set-up while a window shows it: a poll asks the vault for
//! the set-up's current version (its KV v2 metadata, not the set-up itself), and only when
//! that differs from the version seen last are this member's rows brought in line with it
//! (`follow_team_secrets`). A token the vault no longer takes is told as a sign-in needed,
//! so the caller can offer the sign-in instead of repeating the refusal.

use super::Core;
use super::team_secrets::read_setup;
use super::team_share::setup_path;
use crate::error::{Error, Result};
use crate::model::EnvironmentId;
use crate::store::teams;
use crate::team::TeamVault;
use crate::team::kv::Kv;

impl Core {
    /// The team vault an environment is shared through; `None` for a local environment.
    pub fn team_of_environment(&self, environment: &EnvironmentId) -> Result<Option<TeamVault>> {
        Ok(teams::of_environment(&self.store()?.conn, environment)?.map(|(vault, _)| vault))
    }

    /// Asks the vault for the version of a team environment's set-up and, when it is not
    /// `seen`, follows it here; returns the version. A token the vault refuses is
    /// `VaultSignInRequired`.
    pub async fn follow_team_setup(
        &self,
        environment: &EnvironmentId,
        seen: Option<u64>,
    ) -> Result<u64> {
        let (vault, key) =
            teams::of_environment(&self.store()?.conn, environment)?.ok_or_else(|| {
                Error::NotConfigured("This environment is not shared through a team vault.".into())
            })?;
        let token = self.team_token(&vault).await?;
        let kv = self.team_client(&vault, &token)?;
        let version = match setup_version(&kv, &key).await {
            Err(Error::VaultRefused(why)) => return Err(refused(&kv, &vault, why).await),
            Err(Error::NotFound(_)) => return Err(self.deleted_for_team(environment, &kv, &key)),
            other => other?,
        };
        if seen != Some(version) {
            self.follow_team_secrets(environment).await?;
        }
        Ok(version)
    }
}

/// The set-up's current version: from its metadata, or, for a policy that does not allow
/// reading metadata, from the set-up itself.
async fn setup_version(kv: &Kv<'_>, key: &str) -> Result<u64> {
    match kv.current_version(&setup_path(key)).await {
        Ok(Some(version)) => Ok(version),
        Ok(None) => Err(Error::NotFound(format!(
            "The team vault “{}” holds no set-up at {}.",
            kv.vault.name,
            kv.shown_path(&setup_path(key))
        ))),
        Err(Error::VaultRefused(_)) => read_setup(kv, key).await.map(|(_, version)| version),
        Err(error) => Err(error),
    }
}

/// A refusal, told as a sign-in needed when it is the token the vault no longer takes
/// (revoked, or ended sooner than it said), else as the policy's refusal it is.
async fn refused(kv: &Kv<'_>, vault: &TeamVault, why: String) -> Error {
    match kv.look_up_token().await {
        Err(Error::VaultRefused(_)) => Error::VaultSignInRequired(format!(
            "The team vault “{name}” no longer takes this computer's token (revoked or \
             expired): sign in again (`authdeck team login {name}`).",
            name = vault.name
        )),
        _ => Error::VaultRefused(why),
    }
}
