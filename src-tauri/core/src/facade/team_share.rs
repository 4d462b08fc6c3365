//! Sharing an environment through a team vault, and joining one shared there.
//!
//! Sharing is a two-store write like every other (`secrets.rs`): (1) each secret's value and
//! then the set-up are written to the vault, create-only (check-and-set 0); (2) all of it is
//! read back and compared; (3) in one transaction the environment is marked a team
//! environment and a `put` intent is recorded for each local keychain copy; (4) the copies are
//! removed; (5) the intents are cleared. A crash before (3) leaves the environment local and
//! whole (sharing again finds its own writes and goes on); after (3) the reconciler removes the
//! copies that no row needs any more (see `put_has_row`). Nothing is ever in neither store.
//!
//! Joining writes no secret anywhere: the set-up and the secrets' metadata become rows in one
//! transaction, and the values stay in the vault, read when a token is minted.

use super::Core;
use super::portable::{merge, refuse_problems};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::model::*;
use crate::portable::{EXPORT_VERSION, ExportFile};
use crate::store::intents::{self, Intent};
use crate::store::{apps, environments, secrets, teams};
use crate::team::kv::Kv;
use crate::team::{SharedSecret, SharedSetup, environment_key};
use serde_json::{Value, json};

/// Where a shared environment's set-up lives under the team's path.
pub(super) fn setup_path(key: &str) -> String {
    format!("{key}/setup")
}

/// Where one secret's value lives under the team's path.
pub(super) fn secret_path(key: &str, id: &SecretId) -> String {
    format!("{key}/secrets/{id}")
}

impl Core {
    /// Pushes a local environment to a team vault: its set-up and its secrets' values; once
    /// they are read back from the vault, the local keychain copies are removed.
    pub async fn share_environment(&self, environment: &EnvironmentId, team: &str) -> Result<()> {
        let environment = self.environment(environment)?;
        if teams::of_environment(&self.store()?.conn, &environment.id)?.is_some() {
            return Err(Error::Conflict {
                field: "team".into(),
                message: format!("“{}” is already a team environment.", environment.name),
            });
        }
        let vault = self.team(team)?;
        let token = self.team_token(&vault).await?;
        let kv = self.team_client(&vault, &token)?;
        let key = environment_key(&environment.name);
        let (setup, values) = self.setup_of(&environment)?;
        refuse_taken(&kv, &key, &setup).await?;
        for (id, value) in &values {
            let shared = setup.secrets.iter().find(|s| s.id == id.0);
            let data = json!({
                "value": value.expose(),
                "label": shared.map(|s| s.label.clone()),
                "client_id": shared.map(|s| s.client_id.clone()),
                "added_at": shared.map(|s| s.added_at),
            });
            create_or_find(&kv, &secret_path(&key, id), data, "value").await?;
        }
        let setup_value = super::team_secrets::signed(&setup, &kv)?;
        create_or_find(&kv, &setup_path(&key), setup_value, "export").await?;
        self.crash_point("share: vault written")?;
        read_back(&kv, &key, &values).await?;
        self.mark_shared(&environment.id, team, &key, &values)
    }

    /// The environment's set-up and its secrets' values (from the keychain).
    fn setup_of(
        &self,
        environment: &Environment,
    ) -> Result<(SharedSetup, Vec<(SecretId, Secret)>)> {
        let app_rows = apps::all_in(&self.store()?.conn, &environment.id)?;
        let mut shared = Vec::new();
        let mut values = Vec::new();
        for app in &app_rows {
            for secret in secrets::list(&self.store()?.conn, &app.id)? {
                values.push((
                    secret.id.clone(),
                    self.vault.get(&super::secret_account(&secret.id))?,
                ));
                shared.push(SharedSecret {
                    id: secret.id.0,
                    client_id: app.client_id.clone(),
                    label: secret.label,
                    fingerprint: secret.fingerprint,
                    state: secret.state,
                    added_at: secret.added_at,
                    provider_created_at: secret.provider_created_at,
                });
            }
        }
        let export = ExportFile {
            authdeck_export: EXPORT_VERSION,
            exported_at: Timestamp::from_unix(self.now().unix()),
            environments: vec![super::portable::exported_environment(
                &self.store()?.conn,
                environment,
            )?],
        };
        Ok((
            SharedSetup {
                written_by: None,
                export,
                secrets: shared,
            },
            values,
        ))
    }

    /// Steps (3) to (5): the environment becomes a team one, then the keychain copies go.
    fn mark_shared(
        &self,
        environment: &EnvironmentId,
        team: &str,
        key: &str,
        values: &[(SecretId, Secret)],
    ) -> Result<()> {
        let copies: Vec<Intent> = values
            .iter()
            .map(|(id, _)| Intent::put(super::secret_account(id)))
            .collect();
        let now = self.now();
        self.store()?.write(|tx| {
            teams::link(tx, environment, team, key)?;
            super::team_setup::mark_in_line(tx, environment)?;
            intents::record_all(tx, &copies, now)?;
            for (id, _) in values {
                if let Some(secret) = secrets::get(tx, id)? {
                    let action = AuditAction::SecretAdded;
                    self.note_team_secret(tx, action, &secret, team, "shared to")?;
                }
            }
            Ok(())
        })?;
        self.crash_point("share: marked")?;
        for intent in &copies {
            // A keychain that fails now leaves the intent: the reconciler removes the copy.
            self.vault.delete(&intent.account)?;
        }
        self.crash_point("share: copies removed")?;
        self.store()?.write(|tx| intents::clear_all(tx, &copies))
    }

    /// Creates a local team environment from the set-up a team vault holds for `name`; no
    /// secret is copied (their values are read from the vault when needed).
    pub async fn join_environment(&self, team: &str, name: &str) -> Result<Environment> {
        let vault = self.team(team)?;
        let token = self.team_token(&vault).await?;
        let kv = self.team_client(&vault, &token)?;
        let key = environment_key(name);
        let path = setup_path(&key);
        let setup = match super::team_secrets::read_setup(&kv, &key).await {
            Err(Error::NotFound(_)) => {
                return Err(Error::NotFound(format!(
                    "The team vault “{}” holds no environment “{name}” (path {}).",
                    vault.name,
                    kv.shown_path(&path)
                )));
            }
            other => other?.0,
        };
        let [shared_environment] = setup.export.environments.as_slice() else {
            return Err(Error::BadResponse(format!(
                "The set-up at {} does not hold exactly one environment.",
                kv.shown_path(&path)
            )));
        };
        let now = self.now();
        let joined = self.store()?.write(|tx| {
            if environments::by_name(tx, &shared_environment.name)?.is_some() {
                return Err(Error::Conflict {
                    field: "name".into(),
                    message: format!(
                        "An environment named “{}” already exists here; rename or remove it \
                         first.",
                        shared_environment.name
                    ),
                });
            }
            refuse_problems(&merge(tx, &setup.export, now)?)?;
            let joined = environments::by_name(tx, &shared_environment.name)?
                .ok_or_else(|| Error::Internal("the joined environment was not created".into()))?;
            for secret in &setup.secrets {
                insert_shared_secret(tx, &joined.id, secret)?;
            }
            teams::link(tx, &joined.id, &vault.name, &key)?;
            super::team_setup::mark_in_line(tx, &joined.id)?;
            Ok(joined)
        })?;
        Ok(joined)
    }
}

/// A secret's metadata row in a joined environment (its value stays in the vault).
pub(super) fn insert_shared_secret(
    tx: &rusqlite::Connection,
    environment: &EnvironmentId,
    secret: &SharedSecret,
) -> Result<()> {
    let app = apps::by_client_id(tx, environment, &secret.client_id)?.ok_or_else(|| {
        Error::BadResponse(format!(
            "The shared set-up has a secret for the client ID “{}”, which none of its apps has.",
            secret.client_id
        ))
    })?;
    secrets::insert(
        tx,
        &SecretMeta {
            id: SecretId(secret.id.clone()),
            app_id: app.id,
            label: secret.label.clone(),
            provider_created_at: secret.provider_created_at,
            added_at: secret.added_at,
            fingerprint: secret.fingerprint.clone(),
            last_verified_at: None,
            last_verify_ok: None,
            last_verify_message: None,
            last_used_at: None,
            state: secret.state,
            age_days: 0,
            rotation_due: false,
        },
    )
}

/// Writes `data` create-only; when the entry already holds the same `field` (a share cut short
/// and run again), that is the same write, done.
async fn create_or_find(kv: &Kv<'_>, path: &str, data: Value, field: &str) -> Result<()> {
    match kv.write(path, data.clone(), 0).await {
        Ok(_) => Ok(()),
        Err(Error::Conflict { .. }) => match kv.read(path).await? {
            Some(entry) if entry.data[field] == data[field] => Ok(()),
            _ => Err(Error::Conflict {
                field: "team".into(),
                message: format!(
                    "The team vault already holds something else at {}; nothing was \
                     overwritten. Choose another environment name or ask the team.",
                    kv.shown_path(path)
                ),
            }),
        },
        Err(error) => Err(error),
    }
}

/// Refuses to share where the vault already holds another environment's set-up (a share cut
/// short and run again finds its own, with the same secrets, and goes on); nothing is written.
async fn refuse_taken(kv: &Kv<'_>, key: &str, ours: &SharedSetup) -> Result<()> {
    let theirs = match super::team_secrets::read_setup(kv, key).await {
        Ok((theirs, _)) => theirs,
        Err(Error::NotFound(_)) => return Ok(()),
        Err(error) => return Err(error),
    };
    let ids = |setup: &SharedSetup| -> Vec<String> {
        setup.secrets.iter().map(|s| s.id.clone()).collect()
    };
    if ids(&theirs) == ids(ours) {
        return Ok(());
    }
    let name = |setup: &SharedSetup| {
        setup
            .export
            .environments
            .first()
            .map_or_else(String::new, |e| e.name.clone())
    };
    Err(Error::Conflict {
        field: "team".into(),
        message: format!(
            "The team vault already holds an environment at {} (“{}”, {} secrets; yours: “{}”, \
             {} secrets); nothing was written. Join it, or rename yours and share again.",
            kv.shown_path(key),
            name(&theirs),
            theirs.secrets.len(),
            name(ours),
            ours.secrets.len()
        ),
    })
}

/// Whether the vault gives back `value` at `path` (a write read back before anything relies
/// on it).
pub(super) async fn holds_value(kv: &Kv<'_>, path: &str, value: &Secret) -> Result<bool> {
    let held = kv.read(path).await?;
    Ok(held.as_ref().and_then(|entry| entry.data["value"].as_str()) == Some(value.expose()))
}

/// Step (2): every value and the set-up are in the vault, as written.
async fn read_back(kv: &Kv<'_>, key: &str, values: &[(SecretId, Secret)]) -> Result<()> {
    for (id, value) in values {
        let path = secret_path(key, id);
        if !holds_value(kv, &path, value).await? {
            return Err(Error::BadResponse(format!(
                "The team vault did not give back the secret written at {}; the local copy \
                 was kept.",
                kv.shown_path(&path)
            )));
        }
    }
    if kv.read(&setup_path(key)).await?.is_none() {
        return Err(Error::BadResponse(format!(
            "The team vault did not give back the set-up written at {}; nothing local changed.",
            kv.shown_path(&setup_path(key))
        )));
    }
    Ok(())
}
