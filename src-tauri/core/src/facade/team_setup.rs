//! A shared environment's set-up changed by a member: apps added, edited (every field of the
//! export format) and removed, and the environment's own fields edited, for every member.
//!
//! The vault first, then here: (1) this member's change is made to the set-up its own rows
//! hold (the one it last read: rows change only when the vault took a change or when they
//! follow the vault); (2) the vault's set-up is read and the two changes are merged three-way
//! (`team/merge.rs`); (3) the merge is written with check-and-set on the version read, read
//! and merged again when someone wrote in between; (4) the rows here follow the set-up
//! written. A crash between (3) and (4) loses nothing: the vault holds the change, and the
//! next follow (before a token, the window's watch) brings the rows in line. A conflict
//! writes nothing anywhere and is the error, with both sides.
//!
//! The other direction, `follow_setup`: a member's rows follow the set-up the vault holds —
//! apps added, changed and removed by others appear, change and go (a removed app's tokens and
//! keys leave the keychain as when it is deleted here), then the secrets' rows.

use super::Core;
use super::apps::from_input;
use super::portable::{exported_environment, merge as import_merge, refuse_problems};
use super::team_secrets::{read_setup_entry, signed};
use super::team_share::setup_path;
use crate::error::{Error, Result};
use crate::model::*;
use crate::portable::{ExportedApp, ExportedEnvironment};
use crate::store::{apps, environments, settings, teams};
use crate::team::SharedSetup;
use crate::team::kv::Kv;
use crate::team::merge::{self, Choices, SetupConflict};

/// How often a set-up changed by someone else is read and merged again before giving up.
const CAS_TRIES: usize = 3;

/// What offering the vault the apps only this computer holds came to.
pub(super) enum Adoption {
    /// They are in the set-up now, and the rows here followed it.
    Followed,
    /// The apps (client IDs) still only here: the follow keeps them.
    Keep(Vec<String>),
}

/// An app's DPoP and PAR switches as a change sets them (`None`: left as they are).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AppSwitches {
    pub dpop: Option<bool>,
    pub par: Option<bool>,
}

impl Core {
    /// Creates an app; in a team environment in its vault's set-up first, then here.
    pub async fn create_app_in_setup(
        &self,
        input: ClientAppInput,
        switches: AppSwitches,
        choices: &Choices,
    ) -> Result<ClientApp> {
        if !self.is_team_environment(&input.environment_id)? {
            let app = self.create_app(input)?;
            self.switch_here(&app.id, switches)?;
            return Ok(app);
        }
        let input = self.checked_app(None, &input)?;
        let now = self.now();
        let mut exported =
            ExportedApp::from_stored(&from_input(AppId::new(), input.clone(), true, now, now));
        exported.dpop = switches.dpop.unwrap_or(false);
        exported.par = switches.par.unwrap_or(false);
        let environment = &input.environment_id;
        self.write_setup(environment, choices, |setup| {
            setup.apps.push(exported.clone());
            Ok(())
        })
        .await?;
        self.app_here(environment, &input.client_id)
    }

    /// Changes an app's fields and switches; in a team environment in its vault's set-up
    /// first. An app of a team environment stays in it (see `refuse_moving`); a new client ID
    /// is, to the set-up's merge, the old app removed and a new one added, which keeps the
    /// app's secrets (listed under the new client ID; their values stay where they are, under
    /// their own IDs) and, here, the app itself.
    pub async fn update_app_in_setup(
        &self,
        id: &AppId,
        input: ClientAppInput,
        switches: AppSwitches,
        choices: &Choices,
    ) -> Result<ClientApp> {
        let existing = self.app(id)?;
        let shared = self.is_team_environment(&existing.environment_id)?;
        if !shared && !self.is_team_environment(&input.environment_id)? {
            let app = self.update_app(id, input)?;
            self.switch_here(&app.id, switches)?;
            return Ok(app);
        }
        refuse_moving(&existing, &input)?;
        let input = self.checked_app(Some(id), &input)?;
        let now = self.now();
        let app = from_input(
            id.clone(),
            input,
            existing.auto_renew,
            existing.created_at,
            now,
        );
        let client_id = existing.client_id.clone();
        let rename = (app.client_id != client_id).then(|| Rename {
            app: id.clone(),
            from: client_id.clone(),
            to: app.client_id.clone(),
        });
        let edit = |setup: &mut ExportedEnvironment| {
            let Some(exported) = setup.apps.iter_mut().find(|a| a.client_id == client_id) else {
                return Err(super::apps::app_gone());
            };
            let (dpop, par) = (exported.dpop, exported.par);
            *exported = ExportedApp::from_stored(&app);
            exported.dpop = switches.dpop.unwrap_or(dpop);
            exported.par = switches.par.unwrap_or(par);
            Ok(())
        };
        self.write_setup_renaming(&existing.environment_id, choices, rename.as_ref(), edit)
            .await?;
        if let Some(rename) = &rename {
            self.relabel_values(&existing.environment_id, rename)
                .await?;
        }
        self.app_here(&existing.environment_id, &app.client_id)
    }

    /// Sets an app's DPoP and PAR switches; in a team environment in its vault's set-up first.
    pub async fn switch_app_in_setup(
        &self,
        id: &AppId,
        switches: AppSwitches,
        choices: &Choices,
    ) -> Result<()> {
        let existing = self.app(id)?;
        if !self.is_team_environment(&existing.environment_id)? {
            return self.switch_here(id, switches);
        }
        let client_id = existing.client_id.clone();
        self.write_setup(&existing.environment_id, choices, |setup| {
            let Some(exported) = setup.apps.iter_mut().find(|a| a.client_id == client_id) else {
                return Err(super::apps::app_gone());
            };
            exported.dpop = switches.dpop.unwrap_or(exported.dpop);
            exported.par = switches.par.unwrap_or(exported.par);
            Ok(())
        })
        .await
        .map(|_| ())
    }

    /// Deletes an app; in a team environment from its vault's set-up first (with its
    /// secrets' listing), then its secrets' values from the vault (`team_removal.rs`: refused
    /// whole when the member's policy does not allow deleting them), then here with its
    /// keychain entries.
    pub async fn delete_app_in_setup(&self, id: &AppId, choices: &Choices) -> Result<AppDeleted> {
        let existing = self.app(id)?;
        if !self.is_team_environment(&existing.environment_id)? {
            return self.delete_app(id);
        }
        let planned = self.plan_app_secrets_removal(&existing).await?;
        let client_id = existing.client_id.clone();
        let written = self
            .write_setup(&existing.environment_id, choices, |setup| {
                setup.apps.retain(|a| a.client_id != client_id);
                Ok(())
            })
            .await;
        let (removed, unlisted) = match written {
            Ok(written) => written,
            Err(error) => {
                // nothing was written: the secrets stay, with their app
                self.drop_app_secrets_removal(&planned)?;
                return Err(error);
            }
        };
        self.crash_point("team app rm: set-up written")?;
        self.finish_app_secrets_removal(&existing.environment_id, &unlisted)
            .await?;
        Ok(AppDeleted {
            keychain_entries_removed: removed,
        })
    }

    /// Changes an environment's fields; a team environment's in its vault's set-up first.
    pub async fn update_environment_in_setup(
        &self,
        id: &EnvironmentId,
        input: EnvironmentInput,
        choices: &Choices,
    ) -> Result<Environment> {
        if !self.is_team_environment(id)? {
            return self.update_environment(id, input);
        }
        let input = self.checked_environment(Some(id), &input)?;
        self.write_setup(id, choices, |setup| {
            let apps = std::mem::take(&mut setup.apps);
            *setup = ExportedEnvironment::from_stored(
                &Environment {
                    name: input.name.clone(),
                    kind: input.kind,
                    color: input.color.clone(),
                    endpoints: input.endpoints.clone(),
                    profile: input.profile,
                    rotation_days: input.rotation_days,
                    ..self.environment(id)?
                },
                &[],
            );
            setup.apps = apps;
            Ok(())
        })
        .await?;
        self.environment(id)
    }

    /// Steps (1) to (4) for the change `edit` makes: the number of keychain entries removed
    /// here with the apps the set-up no longer holds, and the IDs of the secrets the written
    /// set-up no longer lists (their apps are gone).
    pub(super) async fn write_setup(
        &self,
        environment: &EnvironmentId,
        choices: &Choices,
        edit: impl Fn(&mut ExportedEnvironment) -> Result<()>,
    ) -> Result<(u32, Vec<SecretId>)> {
        self.write_setup_renaming(environment, choices, None, edit)
            .await
    }

    /// `write_setup` where the change gives an app a new client ID (`rename`): its secrets
    /// are listed under the new one in the set-up written, and its row here takes the new one
    /// before the rows follow, so it is the same app here (its tokens and keys stay).
    async fn write_setup_renaming(
        &self,
        environment: &EnvironmentId,
        choices: &Choices,
        rename: Option<&Rename>,
        edit: impl Fn(&mut ExportedEnvironment) -> Result<()>,
    ) -> Result<(u32, Vec<SecretId>)> {
        let (vault, key) = teams::of_environment(&self.store()?.conn, environment)?
            .ok_or_else(|| Error::NotConfigured("This environment is not shared.".into()))?;
        let token = self.team_token(&vault).await?;
        let kv = self.team_client(&vault, &token)?;
        let here = self.environment(environment)?;
        let (rows, in_line) = {
            let store = self.store()?;
            let rows = exported_environment(&store.conn, &here)?;
            (
                rows,
                settings::flag(&store.conn, &in_line_flag(environment))?,
            )
        };
        let mut mine = rows.clone();
        edit(&mut mine)?;
        let mut last = None;
        for _ in 0..CAS_TRIES {
            let (setup, version, written_at) = read_setup_entry(&kv, &key).await?;
            let mut base = rows.clone();
            if !in_line {
                // rows an older Authdeck kept here only: this member's additions, never
                // taken for apps the vault removed (see `adopt_unshared_apps`)
                let shared = shared_client_ids(&setup);
                base.apps
                    .retain(|app| shared.contains(&app.client_id.as_str()));
            }
            let mut merged = merged_setup(&kv, &key, &setup, &base, &mine, choices)
                .map_err(|conflicts| conflict_error(conflicts, written_at, &setup.written_by))?;
            if let Some(rename) = rename {
                rename.relist(&setup, &mut merged);
            }
            if merged == setup {
                self.rename_here(rename, &merged)?;
                return Ok((self.follow_setup(environment, &merged, &[])?, Vec::new()));
            }
            match kv
                .write(&setup_path(&key), signed(&merged, &kv)?, version)
                .await
            {
                Ok(_) => {
                    self.crash_point("team setup: written")?;
                    let unlisted = setup
                        .secrets
                        .iter()
                        .filter(|s| !merged.secrets.iter().any(|m| m.id == s.id))
                        .map(|s| SecretId(s.id.clone()))
                        .collect();
                    self.rename_here(rename, &merged)?;
                    return Ok((self.follow_setup(environment, &merged, &[])?, unlisted));
                }
                Err(conflict @ Error::Conflict { .. }) => last = Some(conflict),
                Err(error) => return Err(error),
            }
        }
        Err(last.unwrap_or_else(|| Error::Internal("no check-and-set attempt was made".into())))
    }

    /// Offers the vault the apps of a team environment that its set-up does not hold and this
    /// computer's rows were never in line with it since: kept here by an Authdeck from before
    /// app changes went through the vault. The vault's set-up has been the truth since, and
    /// following it would remove them; instead they are written to it as this member's
    /// additions (`write_setup` does, while the rows are not yet in line). Returns the client
    /// IDs still only here, which the follow keeps: when the vault does not take them (no
    /// `update` in the policy, a conflict, no answer) they stay as they were, offered again at
    /// the next follow. Rows are in line once they followed the set-up (or were shared or
    /// joined) with nothing kept back; from then on an app the set-up lacks was removed by a
    /// member and goes here too. (An app a member removed before this computer's first follow
    /// since the upgrade is offered back: brought back, never lost.)
    pub(super) async fn adopt_unshared_apps(
        &self,
        environment: &EnvironmentId,
        setup: &SharedSetup,
    ) -> Adoption {
        let here = {
            let Ok(store) = self.store() else {
                return Adoption::Keep(Vec::new());
            };
            match settings::flag(&store.conn, &in_line_flag(environment)) {
                Ok(false) => apps::all_in(&store.conn, environment).unwrap_or_default(),
                _ => return Adoption::Keep(Vec::new()),
            }
        };
        let shared = shared_client_ids(setup);
        let only_here: Vec<String> = here
            .into_iter()
            .map(|app| app.client_id)
            .filter(|id| !shared.contains(&id.as_str()))
            .collect();
        if only_here.is_empty() {
            return Adoption::Keep(only_here);
        }
        match self
            .write_setup(environment, &Choices::default(), |_| Ok(()))
            .await
        {
            Ok(_) => Adoption::Followed,
            Err(_) => Adoption::Keep(only_here),
        }
    }

    /// Brings this member's rows of a team environment in line with `setup`: its apps given
    /// a new client ID by a member take it, the apps it no longer holds go (the client IDs in
    /// `keep` stay though the set-up lacks them; gone first, so an app added under a name a
    /// removed one had is not refused), then its own fields, apps (added, changed) and
    /// secrets; the number of keychain entries removed with the apps that went.
    pub(super) fn follow_setup(
        &self,
        environment: &EnvironmentId,
        setup: &SharedSetup,
        keep: &[String],
    ) -> Result<u32> {
        let [shared] = setup.export.environments.as_slice() else {
            return Err(Error::BadResponse(
                "The team vault's set-up does not hold exactly one environment.".into(),
            ));
        };
        let gone = self.store()?.write(|tx| {
            follow_new_client_ids(tx, environment, shared, setup)?;
            let mut gone = Vec::new();
            for app in apps::all_in(tx, environment)? {
                if !shared.apps.iter().any(|a| a.client_id == app.client_id)
                    && !keep.contains(&app.client_id)
                {
                    gone.push(app.id);
                }
            }
            Ok(gone)
        })?;
        let mut removed = 0;
        for app in &gone {
            removed += self.delete_app_here(app)?.keychain_entries_removed;
        }
        let now = self.now();
        self.store()?.write(|tx| {
            let here = environments::get(tx, environment)?
                .ok_or_else(|| Error::NotFound("That environment no longer exists.".into()))?;
            if here.name != shared.name {
                // renamed by a member: the import matches environments by name
                environments::save(
                    tx,
                    &Environment {
                        name: shared.name.clone(),
                        ..here
                    },
                )?;
            }
            let mut file = setup.export.clone();
            file.environments = vec![shared.clone()];
            refuse_problems(&import_merge(tx, &file, now)?)?;
            super::team_secrets::follow_secrets(tx, environment, setup)?;
            if keep.is_empty() {
                mark_in_line(tx, environment)?;
            }
            Ok(())
        })?;
        Ok(removed)
    }

    /// The app of `environment` with `client_id`, as stored here.
    fn app_here(&self, environment: &EnvironmentId, client_id: &str) -> Result<ClientApp> {
        apps::by_client_id(&self.store()?.conn, environment, client_id)?
            .ok_or_else(super::apps::app_gone)
    }

    /// A local app's DPoP and PAR switches.
    fn switch_here(&self, app: &AppId, switches: AppSwitches) -> Result<()> {
        if let Some(on) = switches.dpop {
            self.set_dpop(app, on)?;
        }
        if let Some(on) = switches.par {
            self.set_pushes_requests(app, on)?;
        }
        Ok(())
    }

    /// Refuses a change of a team environment's set-up made around it (it would last only
    /// until this member's rows next follow the vault).
    pub(super) fn refuse_shared(&self, environment: &EnvironmentId) -> Result<()> {
        match teams::of_environment(&self.store()?.conn, environment)? {
            Some((vault, _)) => Err(Error::NotConfigured(format!(
                "This environment is shared through the team vault “{}”: its set-up changes \
                 there first (the `_in_setup` calls).",
                vault.name
            ))),
            None => Ok(()),
        }
    }
}

/// The settings flag set once this computer's rows of `environment` are in line with its
/// team vault's set-up (see `Core::adopt_unshared_apps`).
fn in_line_flag(environment: &EnvironmentId) -> String {
    format!("team_rows_in_line:{environment}")
}

/// Records that the rows of `environment` are in line with its vault's set-up: shared or
/// joined just now, or having followed it with nothing kept back.
pub(super) fn mark_in_line(tx: &rusqlite::Connection, environment: &EnvironmentId) -> Result<()> {
    let flag = in_line_flag(environment);
    // every follow lands here (before each token): write the row once, not at every follow
    if settings::flag(tx, &flag)? {
        return Ok(());
    }
    settings::set_flag(tx, &flag)
}

/// An app here whose client ID the set-up no longer holds, while it lists that app's secrets
/// under a client ID no app here has, was given that client ID by a member (`Rename`): it
/// takes it, so it stays the same app here, with its secrets.
fn follow_new_client_ids(
    tx: &rusqlite::Connection,
    environment: &EnvironmentId,
    shared: &ExportedEnvironment,
    setup: &SharedSetup,
) -> Result<()> {
    let listed = |client_id: &str| shared.apps.iter().any(|a| a.client_id == client_id);
    for secret in &setup.secrets {
        if !listed(&secret.client_id)
            || apps::by_client_id(tx, environment, &secret.client_id)?.is_some()
        {
            continue;
        }
        let Some(row) = crate::store::secrets::get(tx, &SecretId(secret.id.clone()))? else {
            continue;
        };
        let Some(mut app) = apps::get(tx, &row.app_id)? else {
            continue;
        };
        if app.environment_id != *environment || listed(&app.client_id) {
            continue;
        }
        app.client_id = secret.client_id.clone();
        apps::save(tx, &app)?;
    }
    Ok(())
}

/// The client IDs of the apps a set-up holds.
fn shared_client_ids(setup: &SharedSetup) -> Vec<&str> {
    setup
        .export
        .environments
        .iter()
        .flat_map(|e| e.apps.iter().map(|a| a.client_id.as_str()))
        .collect()
}

/// The set-up to write: the vault's with the two changes merged, the secrets of apps no
/// longer there unlisted.
fn merged_setup(
    kv: &Kv<'_>,
    key: &str,
    setup: &SharedSetup,
    base: &ExportedEnvironment,
    mine: &ExportedEnvironment,
    choices: &Choices,
) -> Result<SharedSetup, Vec<SetupConflict>> {
    let [theirs] = setup.export.environments.as_slice() else {
        return Err(vec![SetupConflict {
            client_id: None,
            app: None,
            field: "set-up".into(),
            mine: None,
            theirs: Some(format!(
                "the set-up at {} does not hold exactly one environment",
                kv.shown_path(&setup_path(key))
            )),
        }]);
    };
    let merged = merge::merge(base, mine, theirs, choices)?;
    let mut written = setup.clone();
    written
        .secrets
        .retain(|s| merged.apps.iter().any(|a| a.client_id == s.client_id));
    written.export.environments = vec![merged];
    Ok(written)
}

/// An app does not move between a team environment and another: its secrets' values would
/// move between the team vault and a keychain (or another team's vault), a copy that either
/// leaves every member without them or puts the team's secrets on one computer. Adding it to
/// the other environment and removing it here does each step in the open.
fn refuse_moving(existing: &ClientApp, input: &ClientAppInput) -> Result<()> {
    if input.environment_id != existing.environment_id {
        return Err(Error::invalid(
            "environment_id",
            "An app does not move into or out of a team environment: its secrets' values live \
             in the team vault for every member, and moving them would take them from the \
             team or copy them to this computer. Add it to the other environment (with its \
             secret) and remove it here instead.",
        ));
    }
    Ok(())
}

/// An app's client ID changed by a member: the secrets it had are listed under the new one.
pub(super) struct Rename {
    app: AppId,
    from: String,
    to: String,
}

impl Rename {
    /// Lists the app's secrets under its new client ID in `merged`, when the merge took the
    /// change (the old app gone, the new one there; a conflict settled for theirs leaves it).
    fn relist(&self, read: &SharedSetup, merged: &mut SharedSetup) {
        let apps = &merged.export.environments[0].apps;
        let has = |id: &str| apps.iter().any(|a| a.client_id == id);
        if has(&self.from) || !has(&self.to) {
            return;
        }
        for secret in read.secrets.iter().filter(|s| s.client_id == self.from) {
            if !merged.secrets.iter().any(|m| m.id == secret.id) {
                merged.secrets.push(crate::team::SharedSecret {
                    client_id: self.to.clone(),
                    ..secret.clone()
                });
            }
        }
    }
}

impl Core {
    /// Gives the app its new client ID here once the vault took it, so following the set-up
    /// finds the same app, not a removed one and an added one.
    fn rename_here(&self, rename: Option<&Rename>, written: &SharedSetup) -> Result<()> {
        let Some(rename) = rename else {
            return Ok(());
        };
        let shared = shared_client_ids(written);
        if shared.contains(&rename.from.as_str()) || !shared.contains(&rename.to.as_str()) {
            // the merge did not take the change (a conflict settled for theirs)
            return Ok(());
        }
        self.store()?.write(|tx| {
            let Some(mut app) = apps::get(tx, &rename.app)? else {
                return Ok(());
            };
            app.client_id = rename.to.clone();
            apps::save(tx, &app)
        })
    }

    /// The renamed app's values in the vault say the new client ID too (they stay at their
    /// own paths, by secret ID); each is written with check-and-set on the version read.
    async fn relabel_values(&self, environment: &EnvironmentId, rename: &Rename) -> Result<()> {
        let (vault, key) = teams::of_environment(&self.store()?.conn, environment)?
            .ok_or_else(|| Error::NotConfigured("This environment is not shared.".into()))?;
        let token = self.team_token(&vault).await?;
        let kv = self.team_client(&vault, &token)?;
        let (setup, _) = super::team_secrets::read_setup(&kv, &key).await?;
        for secret in setup.secrets.iter().filter(|s| s.client_id == rename.to) {
            let path = super::team_share::secret_path(&key, &SecretId(secret.id.clone()));
            let Some(entry) = kv.read(&path).await? else {
                continue;
            };
            if entry.data["client_id"] == rename.to.as_str() {
                continue;
            }
            let mut data = entry.data;
            data["client_id"] = serde_json::Value::String(rename.to.clone());
            kv.write(&path, data, entry.version).await?;
        }
        Ok(())
    }
}

/// The conflicts as one error: each field with both sides, and when theirs was written.
fn conflict_error(
    conflicts: Vec<SetupConflict>,
    theirs_written_at: Option<String>,
    theirs_written_by: &Option<String>,
) -> Error {
    let shown = |side: &Option<String>| side.clone().unwrap_or_else(|| "(removed)".into());
    let lines: Vec<String> = conflicts
        .iter()
        .map(|c| {
            let place = match (&c.app, &c.client_id) {
                (Some(app), Some(id)) => format!("app “{app}” ({id}), "),
                _ => "the environment, ".into(),
            };
            format!(
                "{place}{}: yours {}, theirs {}",
                c.field,
                shown(&c.mine),
                shown(&c.theirs)
            )
        })
        .collect();
    let when = merge::theirs_written(theirs_written_at.as_deref(), theirs_written_by.as_deref());
    Error::SetupConflict {
        message: format!(
            "Another member changed the same {} of this shared environment{when}; nothing was \
             written. {}. Choose yours or theirs and make the change again.",
            if conflicts.len() == 1 {
                "field"
            } else {
                "fields"
            },
            lines.join("; ")
        ),
        conflicts,
        theirs_written_at,
        theirs_written_by: theirs_written_by.clone(),
    }
}
