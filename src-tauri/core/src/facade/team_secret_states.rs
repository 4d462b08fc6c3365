//! Retiring, reactivating and removing a team environment's secret: the change is made to the
//! set-up in the team vault (check-and-set, read again on a conflict), which every member's
//! next command follows; then to this member's rows.
//!
//! Removing is a two-store write with a crash in mind: (1) a `delete` intent for
//! `vault-secret:<team>/<key>/<id>` is recorded; (2) the set-up is written without the secret,
//! so no member uses it from then on; (3) the value is destroyed (KV v2 `metadata` delete: no
//! version remains); (4) the row goes and the intent is cleared, in one transaction. A removal
//! cut short after (1) is finished by this member's next command that reads the team's
//! secrets (`follow_team_secrets`, the `secret` verbs): the steps are each done again safely.
//! The start-up reconciler leaves these intents alone: finishing them needs the network.

use super::Core;
use super::team_secrets::{change_setup, read_setup};
use super::team_share::secret_path;
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::model::*;
use crate::store::intents::{self, Intent};
use crate::store::{secrets, teams};
use crate::team::kv::Kv;
use crate::team::{SharedSetup, TeamVault};

/// The prefix of the intents of team secrets being removed.
pub(super) const VAULT_SECRET: &str = "vault-secret:";

/// The intent account of a team secret being removed.
fn removal_account(vault: &TeamVault, key: &str, id: &SecretId) -> String {
    format!("{VAULT_SECRET}{}/{key}/{id}", vault.name)
}

impl Core {
    /// Retires or reactivates a team environment's secret in its team vault's set-up, then
    /// here; never retires the last active secret of a confidential app.
    pub async fn set_team_secret_state(
        &self,
        id: &SecretId,
        state: SecretState,
    ) -> Result<SecretMeta> {
        let (secret, app) = self.secret(id)?;
        let (vault, key) = self.team_of(&app)?;
        let token = self.team_token(&vault).await?;
        let kv = self.team_client(&vault, &token)?;
        self.finish_team_removals(&kv, &key).await?;
        change_setup(&kv, &key, |setup| {
            let listed = listed_secret(setup, id, &kv, &key)?;
            if listed.state == state {
                return Ok(false);
            }
            if state == SecretState::Retired {
                refuse_last_active(setup, &listed.client_id, &app)?;
            }
            setup
                .secrets
                .iter_mut()
                .filter(|s| s.id == id.0)
                .for_each(|s| s.state = state);
            Ok(true)
        })
        .await?;
        let (action, verb) = match state {
            SecretState::Retired => (AuditAction::SecretRetired, "retired in"),
            _ => (AuditAction::SecretReactivated, "reactivated in"),
        };
        self.store()?.write(|tx| {
            secrets::set_state(tx, id, state)?;
            self.note_team_secret(tx, action, &secret, &vault.name, verb)
        })?;
        self.secret_meta(id)
    }

    /// Removes a team environment's secret: from the set-up in its team vault, its value
    /// (every version), then its row here; never the last active secret of a confidential app.
    pub async fn remove_team_secret(&self, id: &SecretId) -> Result<()> {
        let (secret, app) = self.secret(id)?;
        let (vault, key) = self.team_of(&app)?;
        let token = self.team_token(&vault).await?;
        let kv = self.team_client(&vault, &token)?;
        self.finish_team_removals(&kv, &key).await?;
        let (setup, _) = read_setup(&kv, &key).await?;
        let listed = listed_secret(&setup, id, &kv, &key)?;
        if listed.state == SecretState::Active {
            refuse_last_active(&setup, &listed.client_id, &app)?;
        }
        let value_path = secret_path(&key, id);
        if !kv.may_destroy(&value_path).await? {
            return Err(Error::VaultRefused(format!(
                "Your vault policy does not allow deleting this secret (path {}; it needs \
                 “delete” on {}/metadata/…); nothing was changed.",
                kv.shown_path(&value_path),
                vault.mount
            )));
        }
        let intent = Intent::delete(removal_account(&vault, &key, id));
        self.store()?
            .write(|tx| intents::record(tx, &intent, self.now()))?;
        self.crash_point("team rm: intent recorded")?;
        self.finish_team_removal(&kv, &key, id, &intent).await?;
        self.store()?.write(|tx| {
            let (action, verb) = (AuditAction::SecretDeleted, "removed from");
            self.note_team_secret(tx, action, &secret, &vault.name, verb)
        })
    }

    /// Finishes the removals of this team environment's secrets that were cut short, those of
    /// apps' secrets removed with their app (`team_removal.rs`) first.
    pub(super) async fn finish_team_removals(&self, kv: &Kv<'_>, key: &str) -> Result<()> {
        self.finish_app_secret_removals(kv, key).await?;
        let prefix = format!("{VAULT_SECRET}{}/{key}/", kv.vault.name);
        let pending = intents::with_prefix(&self.store()?.conn, &prefix)?;
        for intent in pending {
            let id = SecretId(intent.account[prefix.len()..].to_owned());
            self.finish_team_removal(kv, key, &id, &intent).await?;
        }
        Ok(())
    }

    /// Steps (2) to (4) of a removal; each is done again safely.
    async fn finish_team_removal(
        &self,
        kv: &Kv<'_>,
        key: &str,
        id: &SecretId,
        intent: &Intent,
    ) -> Result<()> {
        change_setup(kv, key, |setup| {
            let before = setup.secrets.len();
            setup.secrets.retain(|s| s.id != id.0);
            Ok(setup.secrets.len() != before)
        })
        .await?;
        self.crash_point("team rm: set-up written")?;
        kv.destroy(&secret_path(key, id)).await?;
        self.crash_point("team rm: value destroyed")?;
        self.store()?.write(|tx| {
            secrets::delete(tx, id)?;
            intents::clear(tx, &intent.account)
        })
    }

    /// The team vault and key of an app's team environment.
    fn team_of(&self, app: &ClientApp) -> Result<(TeamVault, String)> {
        teams::of_environment(&self.store()?.conn, &app.environment_id)?.ok_or_else(|| {
            Error::NotConfigured(format!(
                "“{}” is not in a team environment; its secrets are in the keychain.",
                app.display_name
            ))
        })
    }
}

/// The secret as the set-up in the vault lists it.
fn listed_secret(
    setup: &SharedSetup,
    id: &SecretId,
    kv: &Kv<'_>,
    key: &str,
) -> Result<crate::team::SharedSecret> {
    setup
        .secrets
        .iter()
        .find(|s| s.id == id.0)
        .cloned()
        .ok_or_else(|| {
            Error::NotFound(format!(
                "The set-up at {} no longer lists this secret: someone removed it.",
                kv.shown_path(&super::team_share::setup_path(key))
            ))
        })
}

/// Refuses to leave a confidential app without an active secret, counted in the set-up (what
/// every member uses), not in this member's rows.
fn refuse_last_active(setup: &SharedSetup, client_id: &str, app: &ClientApp) -> Result<()> {
    let active = setup
        .secrets
        .iter()
        .filter(|s| s.client_id == client_id && s.state == SecretState::Active)
        .count();
    if app.client_type == ClientType::Confidential && active <= 1 {
        return Err(Error::LastSecret(format!(
            "This is the last active secret of “{}” in the team vault, so it cannot be retired \
             or removed. Add the new secret first, then retire or remove this one.",
            app.display_name
        )));
    }
    Ok(())
}
