//! One entry per secret action — add, retire or reactivate, remove, copy or reveal — that
//! finds where the secret lives (the keychain, or a team environment's vault) and does the
//! action there. The desktop shell and the CLI both call these, so the two cannot choose
//! differently; the keychain and team-vault functions they dispatch to stay as they are.

use super::Core;
use super::audit::SecretUse;
use crate::error::{Error, Result};
use crate::model::{AppId, Secret, SecretAdded, SecretId, SecretInput, SecretMeta, SecretState};
use crate::store::secrets;

/// Where a secret's value is kept, as the actions report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretHome {
    /// The person's own keychain.
    Keychain,
    /// The team vault the secret's environment is shared through.
    TeamVault,
}

/// What retiring or reactivating a secret did.
#[derive(Clone, Debug)]
pub struct SecretStateSet {
    /// The secret as it is now.
    pub secret: SecretMeta,
    pub home: SecretHome,
    /// False when a keychain secret already was in that state (nothing was written); a team
    /// secret's state is always set in the vault's set-up, as every member reads it.
    pub changed: bool,
}

impl Core {
    /// Where the secrets of an app are kept.
    fn home_of_app(&self, app: &AppId) -> Result<SecretHome> {
        let environment = self.app(app)?.environment_id;
        Ok(if self.is_team_environment(&environment)? {
            SecretHome::TeamVault
        } else {
            SecretHome::Keychain
        })
    }

    /// Where a secret's value is kept.
    pub fn secret_home(&self, id: &SecretId) -> Result<SecretHome> {
        let secret = secrets::get(&self.store()?.conn, id)?
            .ok_or_else(|| Error::NotFound("That secret no longer exists.".into()))?;
        self.home_of_app(&secret.app_id)
    }

    /// Adds a secret to an app: to the keychain, or for a team environment to its vault.
    pub async fn put_secret(&self, input: SecretInput) -> Result<(SecretAdded, SecretHome)> {
        let home = self.home_of_app(&input.app_id)?;
        let added = match home {
            SecretHome::TeamVault => self.add_team_secret(input).await?,
            SecretHome::Keychain => self.add_secret(input)?,
        };
        Ok((added, home))
    }

    /// Retires (`Retired`) or reactivates (`Active`) a secret where it is kept; never
    /// retires the last active secret of a confidential app.
    pub async fn set_secret_state(
        &self,
        id: &SecretId,
        state: SecretState,
    ) -> Result<SecretStateSet> {
        let home = self.secret_home(id)?;
        if home == SecretHome::TeamVault {
            let secret = self.set_team_secret_state(id, state).await?;
            return Ok(SecretStateSet {
                secret,
                home,
                changed: true,
            });
        }
        let before = self.secret_meta(id)?;
        if before.state == state {
            return Ok(SecretStateSet {
                secret: before,
                home,
                changed: false,
            });
        }
        let secret = match state {
            SecretState::Retired => self.retire_secret(id)?,
            _ => self.reactivate_secret(id)?,
        };
        Ok(SecretStateSet {
            secret,
            home,
            changed: true,
        })
    }

    /// Removes a secret where it is kept: from the keychain, or from its team vault (every
    /// version, after the vault said the policy allows it); never the last active secret of
    /// a confidential app.
    pub async fn remove_secret(&self, id: &SecretId) -> Result<SecretHome> {
        let home = self.secret_home(id)?;
        match home {
            SecretHome::TeamVault => self.remove_team_secret(id).await?,
            SecretHome::Keychain => self.delete_secret(id)?,
        }
        Ok(home)
    }

    /// A secret's value for copying or revealing, read where it is kept and recorded in the
    /// audit log (without it).
    pub async fn read_secret_for(&self, id: &SecretId, purpose: SecretUse) -> Result<Secret> {
        match self.secret_home(id)? {
            SecretHome::TeamVault => self.team_secret_for(id, purpose).await,
            SecretHome::Keychain => self.secret_for(id, purpose),
        }
    }
}
