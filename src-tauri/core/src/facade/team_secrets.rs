//! A team environment's secrets after it is shared: adding one writes the team vault (never
//! the keychain), and each member's rows follow the set-up the vault holds, so a rotation by
//! one member is what every other member's next token uses.
//!
//! Adding: (1) the value is written create-only at `secrets/<id>` and read back (a secret the
//! provider showed once, from `remote create`, is not marked done unless the vault gives it
//! back); (2) the set-up is read and written back with the new secret's metadata,
//! check-and-set on the version read (a change by someone else in between is read again and
//! the secret added to it: nothing of theirs is overwritten); (3) the row is inserted here. A
//! crash after (1) leaves a value no set-up names, which no member uses.

use super::Core;
use super::team_share::{holds_value, secret_path, setup_path};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::model::*;
use crate::store::{apps, secrets, teams};
use crate::team::kv::Kv;
use crate::team::{SharedSecret, SharedSetup};
use serde_json::json;

/// How often a set-up changed by someone else is read again before giving up.
const CAS_TRIES: usize = 3;

impl Core {
    /// Whether an environment's secrets live in a team vault.
    pub fn is_team_environment(&self, environment: &EnvironmentId) -> Result<bool> {
        Ok(teams::of_environment(&self.store()?.conn, environment)?.is_some())
    }

    /// Adds a secret to an app of a team environment: the value in the team vault only, the
    /// metadata in the vault's set-up and here.
    pub async fn add_team_secret(&self, input: SecretInput) -> Result<SecretAdded> {
        let (app, secret, value, trimmed) = self.new_secret(input)?;
        let (vault, key) = teams::of_environment(&self.store()?.conn, &app.environment_id)?
            .ok_or_else(|| {
                Error::NotConfigured(format!(
                    "“{}” is not in a team environment; its secrets go to the keychain.",
                    app.display_name
                ))
            })?;
        let token = self.team_token(&vault).await?;
        let kv = self.team_client(&vault, &token)?;
        let data = json!({
            "value": value.expose(),
            "label": secret.label,
            "client_id": app.client_id,
            "added_at": secret.added_at,
        });
        let path = secret_path(&key, &secret.id);
        kv.write(&path, data, 0).await?;
        self.crash_point("team add: value written")?;
        if !holds_value(&kv, &path, &value).await? {
            return Err(Error::BadResponse(format!(
                "The team vault did not give back the secret written at {}; it was not added.",
                kv.shown_path(&path)
            )));
        }
        let shared = SharedSecret {
            id: secret.id.0.clone(),
            client_id: app.client_id.clone(),
            label: secret.label.clone(),
            fingerprint: secret.fingerprint.clone(),
            state: secret.state,
            added_at: secret.added_at,
            provider_created_at: secret.provider_created_at,
        };
        list_in_setup(&kv, &key, shared).await?;
        self.store()?.write(|tx| {
            secrets::insert(tx, &secret)?;
            self.note_team_secret(
                tx,
                AuditAction::SecretAdded,
                &secret,
                &vault.name,
                "added to",
            )
        })?;
        Ok(SecretAdded {
            secret: self
                .secrets(&app.id)?
                .into_iter()
                .find(|s| s.id == secret.id)
                .ok_or_else(|| Error::Internal("the added secret's row is gone".into()))?,
            trimmed,
        })
    }

    /// Brings the rows of a team environment's secrets in line with the set-up in its vault:
    /// secrets added there appear, states changed there follow, secrets removed there go (and
    /// a removal of this member's cut short is finished first). A local environment is left
    /// alone.
    pub(super) async fn follow_team_secrets(&self, environment: &EnvironmentId) -> Result<()> {
        let Some((vault, key)) = teams::of_environment(&self.store()?.conn, environment)? else {
            return Ok(());
        };
        let token = self.team_token(&vault).await?;
        let kv = self.team_client(&vault, &token)?;
        self.finish_team_removals(&kv, &key).await?;
        let (setup, _) = match read_setup(&kv, &key).await {
            Err(Error::NotFound(_)) => return Err(self.deleted_for_team(environment, &kv, &key)),
            other => other?,
        };
        let only_here = match self.adopt_unshared_apps(environment, &setup).await {
            super::team_setup::Adoption::Followed => return Ok(()),
            super::team_setup::Adoption::Keep(only_here) => only_here,
        };
        self.follow_setup(environment, &setup, &only_here)
            .map(|_| ())
    }
}

/// The rows of a team environment's secrets as `setup` lists them, in the transaction that
/// brought its apps in line (`team_setup.rs`).
pub(super) fn follow_secrets(
    tx: &rusqlite::Connection,
    environment: &EnvironmentId,
    setup: &SharedSetup,
) -> Result<()> {
    let listed: Vec<&str> = setup.secrets.iter().map(|s| s.id.as_str()).collect();
    let rows = teams::secret_ids_in(tx, environment)?;
    for id in rows.iter().filter(|id| !listed.contains(&id.as_str())) {
        secrets::delete(tx, &SecretId(id.clone()))?;
    }
    for shared in &setup.secrets {
        let id = SecretId(shared.id.clone());
        match secrets::get(tx, &id)? {
            Some(row) => {
                if row.state != shared.state {
                    secrets::set_state(tx, &id, shared.state)?;
                }
                // an app whose client ID a member changed is, here, a new app: its secrets
                // go with it (the old one is removed after this transaction)
                let owner = apps::by_client_id(tx, environment, &shared.client_id)?;
                if let Some(owner) = owner.filter(|app| app.id != row.app_id) {
                    secrets::set_app(tx, &id, &owner.id)?;
                }
            }
            None => {
                if apps::by_client_id(tx, environment, &shared.client_id)?.is_some() {
                    super::team_share::insert_shared_secret(tx, environment, shared)?;
                }
            }
        }
    }
    Ok(())
}

/// A shared environment's set-up and its version.
pub(super) async fn read_setup(kv: &Kv<'_>, key: &str) -> Result<(SharedSetup, u64)> {
    read_setup_entry(kv, key)
        .await
        .map(|(setup, version, _)| (setup, version))
}

/// What is written for `setup`: the set-up with the writer's vault identity as its author.
pub(super) fn signed(setup: &SharedSetup, kv: &Kv<'_>) -> Result<serde_json::Value> {
    let setup = SharedSetup {
        written_by: kv.author.clone(),
        ..setup.clone()
    };
    serde_json::to_value(&setup).map_err(|e| Error::Internal(e.to_string()))
}

/// A shared environment's set-up, its version and when the vault says it was written.
pub(super) async fn read_setup_entry(
    kv: &Kv<'_>,
    key: &str,
) -> Result<(SharedSetup, u64, Option<String>)> {
    let path = setup_path(key);
    let entry = kv.read(&path).await?.ok_or_else(|| {
        Error::NotFound(format!(
            "The team vault “{}” holds no set-up at {}.",
            kv.vault.name,
            kv.shown_path(&path)
        ))
    })?;
    let setup = serde_json::from_value(entry.data).map_err(|e| {
        Error::BadResponse(format!(
            "The set-up at {} is not one Authdeck wrote ({e}).",
            kv.shown_path(&path)
        ))
    })?;
    Ok((setup, entry.version, entry.written_at))
}

/// Step (2): adds `shared` to the set-up with check-and-set, reading again when someone else
/// wrote it in between.
async fn list_in_setup(kv: &Kv<'_>, key: &str, shared: SharedSecret) -> Result<()> {
    change_setup(kv, key, |setup| {
        setup.secrets.push(shared.clone());
        Ok(true)
    })
    .await
}

/// Changes the set-up by `change` with check-and-set on the version read, reading again (and
/// changing that) when someone else wrote in between: nothing of theirs is overwritten.
/// `change` says whether there is anything to write.
pub(super) async fn change_setup(
    kv: &Kv<'_>,
    key: &str,
    change: impl Fn(&mut SharedSetup) -> Result<bool>,
) -> Result<()> {
    let mut last = None;
    for _ in 0..CAS_TRIES {
        let (mut setup, version) = read_setup(kv, key).await?;
        if !change(&mut setup)? {
            return Ok(());
        }
        match kv
            .write(&setup_path(key), signed(&setup, kv)?, version)
            .await
        {
            Ok(_) => return Ok(()),
            Err(conflict @ Error::Conflict { .. }) => last = Some(conflict),
            Err(error) => return Err(error),
        }
    }
    Err(last.unwrap_or_else(|| Error::Internal("no check-and-set attempt was made".into())))
}
