//! Client secrets: metadata in the store, values in the keychain.
//!
//! Adding: (1) commit a `put` intent, (2) write the keychain, (3) in one transaction insert the
//! row and drop the intent. A crash after (1) or (2) leaves an intent without a row, which the
//! reconciler undoes by removing the keychain entry: nothing the user was told is saved is lost,
//! and nothing is left behind.
//!
//! Deleting: (1) commit a `delete` intent (the row stays), (2) remove the keychain entry,
//! (3) in one transaction delete the row and drop the intent. A crash after (1) or (2) is
//! finished by the reconciler.

use super::apps::{app_gone, days_between};
use super::{Core, secret_account};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::model::*;
use crate::store::intents::{self, Intent};
use crate::store::{apps, environments, secrets};
use crate::vault::check_size;

impl Core {
    /// An app's secrets' metadata: active first, newest first.
    pub fn secrets(&self, app: &AppId) -> Result<Vec<SecretMeta>> {
        let store = self.store()?;
        let owner = apps::get(&store.conn, app)?.ok_or_else(app_gone)?;
        let policy = environments::get(&store.conn, &owner.environment_id)?
            .map_or(DEFAULT_ROTATION_DAYS, |e| e.rotation_days);
        let now = self.now().unix();
        Ok(secrets::list(&store.conn, app)?
            .into_iter()
            .map(|secret| with_age(secret, now, policy))
            .collect())
    }

    pub(super) fn secret(&self, id: &SecretId) -> Result<(SecretMeta, ClientApp)> {
        let store = self.store()?;
        let secret = secrets::get(&store.conn, id)?.ok_or_else(secret_gone)?;
        let app = apps::get(&store.conn, &secret.app_id)?.ok_or_else(app_gone)?;
        Ok((secret, app))
    }

    pub(super) fn secret_meta(&self, id: &SecretId) -> Result<SecretMeta> {
        let (secret, app) = self.secret(id)?;
        let policy = self.environment(&app.environment_id)?.rotation_days;
        Ok(with_age(secret, self.now().unix(), policy))
    }

    /// Stores a new secret: the value in the keychain, the metadata in the store. Whitespace
    /// around a pasted value is removed (and reported). A team environment's secrets are added
    /// with `add_team_secret`, which writes the team vault.
    pub fn add_secret(&self, input: SecretInput) -> Result<SecretAdded> {
        let (app, secret, value, trimmed) = self.new_secret(input)?;
        self.refuse_in_team(&app, "added", "add_team_secret")?;
        let now = secret.added_at;
        let intent = Intent::put(secret_account(&secret.id));
        self.store()?
            .write(|tx| intents::record(tx, &intent, now))?;
        self.crash_point("add: intent recorded")?;
        if let Err(error) = self.vault.put(&intent.account, &value) {
            // Nothing reached the keychain: drop the intent so nothing is left anywhere.
            self.store()?
                .write(|tx| intents::clear(tx, &intent.account))?;
            return Err(error);
        }
        self.crash_point("add: keychain written")?;
        self.store()?.write(|tx| {
            secrets::insert(tx, &secret)?;
            intents::clear(tx, &intent.account)?;
            self.note_app(tx, AuditAction::SecretAdded, &app.id, &secret.label)
        })?;
        Ok(SecretAdded {
            secret: self.secret_meta(&secret.id)?,
            trimmed,
        })
    }

    /// A new secret's metadata and trimmed value, every rule of its input checked.
    pub(super) fn new_secret(
        &self,
        input: SecretInput,
    ) -> Result<(ClientApp, SecretMeta, Secret, bool)> {
        let app = self.app(&input.app_id)?;
        if app.client_type == ClientType::Public {
            return Err(Error::invalid(
                "value",
                format!(
                    "“{}” is a public client: public clients do not use a client secret.",
                    app.display_name
                ),
            ));
        }
        let raw = input.value.expose();
        let value = Secret::new(raw.trim());
        let trimmed = value.expose().len() != raw.len();
        check_size(&value)?;
        if value.expose().chars().any(char::is_control) {
            return Err(Error::invalid(
                "value",
                "The pasted value spans several lines or holds control characters; paste only \
                 the secret.",
            ));
        }
        let now = self.now();
        if input.provider_created_at.is_some_and(|at| at > now) {
            return Err(Error::invalid(
                "provider_created_at",
                "The provider's creation time cannot be in the future.",
            ));
        }
        let existing = self.secrets(&app.id)?;
        let label = match input.label.trim() {
            "" => format!("Secret {}", existing.len() + 1),
            label => label.to_owned(),
        };
        if label.chars().count() > 80 {
            return Err(Error::invalid("label", "Keep the label to 80 characters."));
        }
        let secret = SecretMeta {
            id: SecretId::new(),
            app_id: app.id.clone(),
            label,
            provider_created_at: input.provider_created_at,
            added_at: now,
            fingerprint: value.fingerprint(),
            last_verified_at: None,
            last_verify_ok: None,
            last_verify_message: None,
            last_used_at: None,
            state: SecretState::Active,
            age_days: 0,
            rotation_due: false,
        };
        Ok((app, secret, value, trimmed))
    }

    /// Refuses a keychain-only call on a team environment's secret: the team vault holds
    /// them, and every member reads them from there, through the async call `instead`.
    fn refuse_in_team(&self, app: &ClientApp, action: &str, instead: &str) -> Result<()> {
        if let Some((vault, _)) =
            crate::store::teams::of_environment(&self.store()?.conn, &app.environment_id)?
        {
            return Err(Error::NotConfigured(format!(
                "“{}” is in a team environment: its secrets live in the team vault “{}”, not \
                 in this keychain, so one is {action} through the vault (`{instead}`).",
                app.display_name, vault.name
            )));
        }
        Ok(())
    }

    /// Refuses to leave a confidential app without an active secret.
    fn guard_last_active(&self, secret: &SecretMeta, app: &ClientApp, verb: &str) -> Result<()> {
        if secret.state == SecretState::Active
            && app.client_type == ClientType::Confidential
            && secrets::active_count(&self.store()?.conn, &app.id)? <= 1
        {
            return Err(Error::LastSecret(format!(
                "This is the last active secret of “{}”, so it cannot be {verb}. Add the new \
                 secret first, then retire or delete this one.",
                app.display_name
            )));
        }
        Ok(())
    }

    /// Marks a secret retired: kept until deleted, no longer used.
    pub fn retire_secret(&self, id: &SecretId) -> Result<SecretMeta> {
        let (secret, app) = self.secret(id)?;
        self.refuse_in_team(&app, "retired", "set_team_secret_state")?;
        self.guard_last_active(&secret, &app, "retired")?;
        self.store()?.write(|tx| {
            secrets::set_state(tx, id, SecretState::Retired)?;
            self.note_app(tx, AuditAction::SecretRetired, &app.id, &secret.label)
        })?;
        self.secret_meta(id)
    }

    /// Puts a retired secret back in use.
    pub fn reactivate_secret(&self, id: &SecretId) -> Result<SecretMeta> {
        let (secret, app) = self.secret(id)?;
        self.refuse_in_team(&app, "reactivated", "set_team_secret_state")?;
        self.store()?.write(|tx| {
            secrets::set_state(tx, id, SecretState::Active)?;
            self.note_app(tx, AuditAction::SecretReactivated, &app.id, &secret.label)
        })?;
        self.secret_meta(id)
    }

    /// Deletes a secret from the keychain and the store; never the last active one of a
    /// confidential app.
    pub fn delete_secret(&self, id: &SecretId) -> Result<()> {
        let (secret, app) = self.secret(id)?;
        self.refuse_in_team(&app, "deleted", "remove_team_secret")?;
        self.guard_last_active(&secret, &app, "deleted")?;
        self.delete_entries(vec![secret_account(id)])?;
        self.note_app_now(AuditAction::SecretDeleted, &app.id, &secret.label)
    }

    /// Removes keychain entries and the rows that refer to them (see `intents::finish`),
    /// through `delete` intents recorded together, in the order given.
    pub(super) fn delete_entries(&self, accounts: Vec<String>) -> Result<()> {
        let planned: Vec<Intent> = accounts.into_iter().map(Intent::delete).collect();
        let now = self.now();
        self.store()?
            .write(|tx| intents::record_all(tx, &planned, now))?;
        self.remove_entries(&planned)?;
        self.store()?.write(|tx| intents::finish_all(tx, &planned))
    }

    /// A secret's value, read from the keychain (for copy and reveal only).
    pub fn secret_value(&self, id: &SecretId) -> Result<Secret> {
        let (_, app) = self.secret(id)?;
        self.refuse_in_team(&app, "copied or revealed", "team_secret_for")?;
        self.vault.get(&secret_account(id))
    }

    /// Removes the keychain entries of recorded `delete` intents. When the keychain refuses the
    /// first one, the intents are dropped and nothing has changed; when it fails part-way, the
    /// entries already gone are finished and the rest is left for the reconciler.
    pub(super) fn remove_entries(&self, planned: &[Intent]) -> Result<u32> {
        for (done, intent) in planned.iter().enumerate() {
            self.crash_point("delete: before keychain")?;
            if let Err(error) = self.vault.delete(&intent.account) {
                self.store()?.write(|tx| {
                    for finished in &planned[..done] {
                        intents::finish(tx, finished)?;
                    }
                    if done == 0 {
                        for untouched in planned {
                            intents::clear(tx, &untouched.account)?;
                        }
                    }
                    Ok(())
                })?;
                if done == 0 {
                    return Err(error);
                }
                return Err(Error::Keychain(format!(
                    "The keychain stopped answering after {done} of {} entries were removed \
                     ({error}). Authdeck finishes the removal the next time it starts with the \
                     keychain available.",
                    planned.len()
                )));
            }
            self.crash_point("delete: keychain removed")?;
        }
        Ok(planned.len() as u32)
    }
}

fn with_age(secret: SecretMeta, now: i64, policy: u32) -> SecretMeta {
    let since = secret.provider_created_at.unwrap_or(secret.added_at).unix();
    let age_days = days_between(since, now);
    SecretMeta {
        age_days,
        rotation_due: secret.state == SecretState::Active && age_days >= policy,
        ..secret
    }
}

fn secret_gone() -> Error {
    Error::NotFound("That secret no longer exists.".into())
}
