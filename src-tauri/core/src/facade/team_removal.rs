//! What leaves the team vault when something of a shared environment is removed: an app's
//! secrets' values with the app, and the whole environment (set-up and every value) when a
//! member deletes it for the team; and leaving one, which forgets it on this computer only.
//!
//! An app's removal: (1) the vault is asked whether the member's policy allows deleting each of
//! the app's secrets (`sys/capabilities-self`); when it does not, nothing is removed, because an
//! app gone from the set-up with its values left in the vault is a secret nobody sees any more
//! but everyone who could read it still can; (2) a `delete` intent per value
//! (`vault-app-secret:<team>/<key>/<id>`); (3) the set-up is written without the app
//! (`team_setup.rs`); (4) each value whose secret the set-up no longer lists is destroyed (KV v2
//! `metadata` delete: every version) and its intent cleared. A change that was not written (a
//! conflict, a refusal) drops the intents; a crash after (2) is finished by the next follow of
//! the environment: a value whose secret the set-up still lists was not removed and stays.
//!
//! Deleting for the team: the vault is asked for `delete` on the set-up and every value first
//! (nothing is deleted unless all are allowed); the values (the set-up's and any other under
//! `secrets/`), then the set-up, then values written meanwhile are destroyed, and the
//! environment is forgotten here. A deletion cut short is finished by running it again.

use super::Core;
use super::team_secrets::read_setup;
use super::team_share::{secret_path, setup_path};
use crate::error::{Error, Result};
use crate::model::*;
use crate::store::intents::{self, Intent};
use crate::store::teams;
use crate::team::kv::{Kv, grants};

/// The prefix of the intents of team secrets' values removed with their app.
pub(super) const VAULT_APP_SECRET: &str = "vault-app-secret:";

impl Core {
    /// Steps (1) and (2) of an app's removal from a team environment: the intents recorded,
    /// or the member's policy's refusal naming the paths it does not allow deleting.
    pub(super) async fn plan_app_secrets_removal(&self, app: &ClientApp) -> Result<Vec<Intent>> {
        let (vault, key) = self.team_and_key(&app.environment_id)?;
        let token = self.team_token(&vault).await?;
        let kv = self.team_client(&vault, &token)?;
        let (setup, _) = read_setup(&kv, &key).await?;
        let ids: Vec<SecretId> = setup
            .secrets
            .iter()
            .filter(|s| s.client_id == app.client_id)
            .map(|s| SecretId(s.id.clone()))
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let paths: Vec<String> = ids
            .iter()
            .map(|id| kv.api_path("metadata", &secret_path(&key, id)))
            .collect();
        let refused = refused_deletes(&kv, &paths).await?;
        if !refused.is_empty() {
            let count = ids.len();
            return Err(Error::VaultRefused(format!(
                "“{}” was not removed: your vault policy does not allow deleting its {} \
                 (it needs “delete” on {}), and an app removed with its secrets left in the team \
                 vault “{}” would leave them readable with no app to show them. Ask a member \
                 whose policy allows deleting them (an admin of the team) to remove the app.",
                app.display_name,
                if count == 1 {
                    "secret".to_owned()
                } else {
                    format!("{count} secrets")
                },
                refused.join(", "),
                vault.name
            )));
        }
        let planned: Vec<Intent> = ids
            .iter()
            .map(|id| Intent::delete(app_secret_account(&vault.name, &key, id)))
            .collect();
        let now = self.now();
        self.store()?
            .write(|tx| intents::record_all(tx, &planned, now))?;
        self.crash_point("team app rm: intents recorded")?;
        Ok(planned)
    }

    /// Drops the intents of an app's removal that was not written.
    pub(super) fn drop_app_secrets_removal(&self, planned: &[Intent]) -> Result<()> {
        self.store()?.write(|tx| intents::clear_all(tx, planned))
    }

    /// Step (4) of an app's removal: the values of `unlisted` (the secrets the written set-up
    /// no longer lists) and of every removal of this environment cut short are destroyed.
    pub(super) async fn finish_app_secrets_removal(
        &self,
        environment: &EnvironmentId,
        unlisted: &[SecretId],
    ) -> Result<()> {
        let (vault, key) = self.team_and_key(environment)?;
        let token = self.team_token(&vault).await?;
        let kv = self.team_client(&vault, &token)?;
        for id in unlisted {
            kv.destroy(&secret_path(&key, id)).await?;
        }
        self.finish_app_secret_removals(&kv, &key).await
    }

    /// Finishes the removals of apps' secrets of this team environment that were cut short:
    /// a value whose secret the set-up no longer lists is destroyed; one it still lists (the
    /// app's removal was not written) stays.
    pub(super) async fn finish_app_secret_removals(&self, kv: &Kv<'_>, key: &str) -> Result<()> {
        let prefix = format!("{VAULT_APP_SECRET}{}/{key}/", kv.vault.name);
        let pending = intents::with_prefix(&self.store()?.conn, &prefix)?;
        if pending.is_empty() {
            return Ok(());
        }
        let listed: Vec<String> = match read_setup(kv, key).await {
            Ok((setup, _)) => setup.secrets.into_iter().map(|s| s.id).collect(),
            // the environment was deleted for the team: nothing lists them
            Err(Error::NotFound(_)) => Vec::new(),
            Err(error) => return Err(error),
        };
        for intent in pending {
            let id = SecretId(intent.account[prefix.len()..].to_owned());
            if !listed.contains(&id.0) {
                kv.destroy(&secret_path(key, &id)).await?;
            }
            self.store()?
                .write(|tx| intents::clear(tx, &intent.account))?;
        }
        Ok(())
    }

    /// Forgets a team environment on this computer only: its rows, and this member's tokens
    /// and keys of its apps in the keychain. The team vault and the other members keep it; it
    /// can be joined again.
    pub fn leave_environment(&self, id: &EnvironmentId) -> Result<EnvironmentDeleted> {
        let environment = self.environment(id)?;
        if !self.is_team_environment(id)? {
            return Err(Error::NotConfigured(format!(
                "“{}” is not shared through a team vault, so there is nothing to leave: delete \
                 it instead.",
                environment.name
            )));
        }
        self.delete_environment(id, true)
    }

    /// Deletes a team environment for the whole team: every secret's value and the set-up in
    /// the team vault (only when the member's policy allows deleting all of them), then here.
    /// Every member's next use of it says it was deleted for the team.
    pub async fn delete_environment_for_team(
        &self,
        id: &EnvironmentId,
    ) -> Result<EnvironmentDeleted> {
        let environment = self.environment(id)?;
        let (vault, key) = self.team_and_key(id)?;
        let token = self.team_token(&vault).await?;
        let kv = self.team_client(&vault, &token)?;
        let mut ids: Vec<String> = match read_setup(&kv, &key).await {
            Ok((setup, _)) => setup.secrets.into_iter().map(|s| s.id).collect(),
            // cut short after the set-up went, or deleted by another member: the values left
            Err(Error::NotFound(_)) => Vec::new(),
            Err(error) => return Err(error),
        };
        let folder = format!("{key}/secrets");
        ids.extend(kv.list(&folder).await?);
        ids.sort();
        ids.dedup();
        let mut paths = vec![kv.api_path("metadata", &setup_path(&key))];
        paths.extend(
            ids.iter()
                .map(|id| kv.api_path("metadata", &format!("{folder}/{id}"))),
        );
        let refused = refused_deletes(&kv, &paths).await?;
        if !refused.is_empty() {
            return Err(Error::VaultRefused(format!(
                "“{}” was not deleted for the team: your vault policy does not allow deleting \
                 {} (it needs “delete” there); nothing was changed. Leave it instead (forget it \
                 on this computer only), or ask an admin of the team to delete it.",
                environment.name,
                refused.join(", ")
            )));
        }
        for id in &ids {
            kv.destroy(&format!("{folder}/{id}")).await?;
        }
        self.crash_point("team env rm: values destroyed")?;
        kv.destroy(&setup_path(&key)).await?;
        self.crash_point("team env rm: set-up destroyed")?;
        // a value a member wrote while this ran (its set-up write then failed)
        for id in kv.list(&folder).await? {
            kv.destroy(&format!("{folder}/{id}")).await?;
        }
        self.delete_environment(id, true)
    }

    /// The error a member's use of a team environment meets once the vault holds no set-up
    /// for it: deleted for the team by a member, with what to do here.
    pub(super) fn deleted_for_team(
        &self,
        environment: &EnvironmentId,
        kv: &Kv<'_>,
        key: &str,
    ) -> Error {
        let name = self
            .environment(environment)
            .map_or_else(|_| "this environment".to_owned(), |e| e.name);
        Error::NotFound(format!(
            "“{name}” was deleted for the team: the team vault “{}” no longer holds it (nothing \
             at {}). Forget it on this computer with `authdeck env leave \"{name}\"` (in the \
             desktop app: Delete environment, then Leave).",
            kv.vault.name,
            kv.shown_path(&setup_path(key))
        ))
    }

    /// The team vault and key of a team environment.
    fn team_and_key(
        &self,
        environment: &EnvironmentId,
    ) -> Result<(crate::team::TeamVault, String)> {
        teams::of_environment(&self.store()?.conn, environment)?.ok_or_else(|| {
            Error::NotConfigured("This environment is not shared through a team vault.".into())
        })
    }
}

/// The intent account of a team secret's value removed with its app.
fn app_secret_account(team: &str, key: &str, id: &SecretId) -> String {
    format!("{VAULT_APP_SECRET}{team}/{key}/{id}")
}

/// Those of `paths` (vault API paths) on which the member's token has no `delete`.
async fn refused_deletes(kv: &Kv<'_>, paths: &[String]) -> Result<Vec<String>> {
    let granted = kv.capabilities(paths).await?;
    Ok(paths
        .iter()
        .zip(&granted)
        .filter(|(_, granted)| !grants(granted, "delete"))
        .map(|(path, _)| path.clone())
        .collect())
}
