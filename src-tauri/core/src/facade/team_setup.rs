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
    /// first. An app of a team environment keeps its environment and client ID (other members'
    /// rows know it by that): remove it and add it again instead.
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
        self.write_setup(&existing.environment_id, choices, |setup| {
            let Some(exported) = setup.apps.iter_mut().find(|a| a.client_id == client_id) else {
                return Err(super::apps::app_gone());
            };
            let (dpop, par) = (exported.dpop, exported.par);
            *exported = ExportedApp::from_stored(&app);
            exported.dpop = switches.dpop.unwrap_or(dpop);
            exported.par = switches.par.unwrap_or(par);
            Ok(())
        })
        .await?;
        self.app_here(&existing.environment_id, &client_id)
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
    /// secrets' listing), then here with its keychain entries.
    pub async fn delete_app_in_setup(&self, id: &AppId, choices: &Choices) -> Result<AppDeleted> {
        let existing = self.app(id)?;
        if !self.is_team_environment(&existing.environment_id)? {
            return self.delete_app(id);
        }
        let client_id = existing.client_id.clone();
        let removed = self
            .write_setup(&existing.environment_id, choices, |setup| {
                setup.apps.retain(|a| a.client_id != client_id);
                Ok(())
            })
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
    /// here with the apps the set-up no longer holds.
    async fn write_setup(
        &self,
        environment: &EnvironmentId,
        choices: &Choices,
        edit: impl Fn(&mut ExportedEnvironment) -> Result<()>,
    ) -> Result<u32> {
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
            let merged = merged_setup(&kv, &key, &setup, &base, &mine, choices)
                .map_err(|conflicts| conflict_error(conflicts, written_at, &setup.written_by))?;
            if merged == setup {
                return self.follow_setup(environment, &merged, &[]);
            }
            match kv
                .write(&setup_path(&key), signed(&merged, &kv)?, version)
                .await
            {
                Ok(_) => {
                    self.crash_point("team setup: written")?;
                    return self.follow_setup(environment, &merged, &[]);
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

    /// Brings this member's rows of a team environment in line with `setup`: its own fields
    /// and apps (added, changed, removed; the client IDs in `keep` stay though the set-up
    /// lacks them), then its secrets; the number of keychain entries removed with the apps it
    /// no longer holds.
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
        let now = self.now();
        let gone = self.store()?.write(|tx| {
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
            let mut gone = Vec::new();
            for app in apps::all_in(tx, environment)? {
                if !shared.apps.iter().any(|a| a.client_id == app.client_id)
                    && !keep.contains(&app.client_id)
                {
                    gone.push(app.id);
                }
            }
            super::team_secrets::follow_secrets(tx, environment, setup)?;
            if keep.is_empty() {
                mark_in_line(tx, environment)?;
            }
            Ok(gone)
        })?;
        let mut removed = 0;
        for app in &gone {
            removed += self.delete_app_here(app)?.keychain_entries_removed;
        }
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

/// A team environment's app keeps its environment and client ID.
fn refuse_moving(existing: &ClientApp, input: &ClientAppInput) -> Result<()> {
    if input.environment_id != existing.environment_id {
        return Err(Error::invalid(
            "environment_id",
            "An app of a team environment stays in it: add it to the other environment and \
             remove it here instead.",
        ));
    }
    if input.client_id.trim() != existing.client_id {
        return Err(Error::invalid(
            "client_id",
            "The client ID of an app in a team environment is how every member's Authdeck \
             knows it: remove the app and add it again with the new client ID.",
        ));
    }
    Ok(())
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
