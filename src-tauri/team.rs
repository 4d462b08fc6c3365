//! Team environments in the window: which vault an environment is shared through, following
//! its set-up while the window shows it, and signing in to the vault again when its token has
//! ended (a pasted token, a password, or the browser for OIDC; AppRole stays the CLI's).

use crate::commands::changed;
use crate::ipc::{IpcError, StoreScope};
use crate::state::AppState;
use crate::team_permissions::KnownPermissions;
use authdeck_core::model::{EnvironmentId, Secret};
use authdeck_core::team::SignIn;
use authdeck_core::{TeamSignInFor, open_in_browser};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;
use tauri::{AppHandle, Runtime, State};
use tokio::sync::oneshot;
use ts_rs::TS;

type Reply<T> = Result<T, IpcError>;

/// The team vault a shared environment lives in, as its badge and sign-in show it.
#[derive(Clone, Debug, Serialize, TS)]
pub struct TeamBadge {
    pub team: String,
    /// How the person signs in: `token`, `userpass`, `approle` or `oidc`.
    pub method: String,
    /// The kept username of a userpass sign-in.
    pub username: Option<String>,
}

/// What a look at a team environment's set-up in its vault found.
#[derive(Clone, Debug, Serialize, TS)]
pub struct TeamWatch {
    /// The set-up's current version in the vault.
    pub version: u64,
    /// Whether it differs from the version seen before (this member's rows then followed it).
    pub changed: bool,
}

/// The set-up version last seen per environment, so an unchanged set-up costs one small read.
#[derive(Default)]
pub struct SeenSetups(Mutex<HashMap<EnvironmentId, u64>>);

impl SeenSetups {
    /// The version last seen of an environment's set-up.
    pub fn version_of(&self, environment: &EnvironmentId) -> Option<u64> {
        self.0.lock().ok().and_then(|s| s.get(environment).copied())
    }
}

/// The browser sign-ins to a team vault under way, each with the means to cancel it.
#[derive(Default)]
pub struct TeamSignIns(Mutex<HashMap<String, oneshot::Sender<()>>>);

/// The team vault of an environment; `None` for a local one.
#[tauri::command(async)]
pub fn team_of_environment(
    state: State<'_, AppState>,
    environment_id: EnvironmentId,
) -> Reply<Option<TeamBadge>> {
    team_badge(state.core()?, &environment_id)
}

/// The badge of an environment's team vault; None for a local environment.
pub(crate) fn team_badge(
    core: &authdeck_core::Core,
    environment_id: &EnvironmentId,
) -> Result<Option<TeamBadge>, IpcError> {
    let vault = core.team_of_environment(environment_id)?;
    Ok(vault.map(|vault| TeamBadge {
        team: vault.name,
        method: vault.sign_in.method().to_owned(),
        username: match vault.sign_in {
            SignIn::Userpass { username, .. } => Some(username),
            _ => None,
        },
    }))
}

/// Asks the vault whether the environment's set-up changed; when it did, this member's rows
/// follow it and the window is told to refresh its lists.
#[tauri::command]
pub async fn watch_team<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    seen: State<'_, SeenSetups>,
    environment_id: EnvironmentId,
) -> Reply<TeamWatch> {
    let last = seen.version_of(&environment_id);
    let version = state
        .core()?
        .follow_team_setup(&environment_id, last)
        .await?;
    if let Ok(mut seen) = seen.0.lock() {
        seen.insert(environment_id, version);
    }
    let changed_now = last != Some(version);
    if changed_now {
        // the set-up holds the environment's own fields and its apps too
        changed(
            &app,
            &[
                StoreScope::Environments,
                StoreScope::Apps,
                StoreScope::Secrets,
                StoreScope::Tokens,
            ],
        );
    }
    Ok(TeamWatch {
        version,
        changed: changed_now,
    })
}

/// Signs in to a team vault with a pasted token or a password (for `username`, which replaces
/// the kept one when it differs); the token is kept once the vault took it.
#[tauri::command]
pub async fn sign_in_team<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    known: State<'_, KnownPermissions>,
    team: String,
    username: Option<String>,
    credential: String,
) -> Reply<()> {
    let core = state.core()?;
    let vault = core.team(&team)?;
    let sign_in = match (vault.sign_in, username) {
        (
            SignIn::Userpass {
                username: kept,
                mount,
            },
            Some(username),
        ) if username != kept => Some(SignIn::Userpass { username, mount }),
        _ => None,
    };
    core.sign_in_team(&team, sign_in, Secret::new(credential))
        .await?;
    known.forget();
    changed(&app, &[StoreScope::Secrets, StoreScope::Tokens]);
    Ok(())
}

/// Signs in to a team vault through its OIDC method in the system browser, as `authdeck team
/// login` does; resolves when the vault gave its token, or `false` when cancelled.
#[tauri::command]
pub async fn sign_in_team_oidc<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    sign_ins: State<'_, TeamSignIns>,
    known: State<'_, KnownPermissions>,
    team: String,
) -> Reply<bool> {
    let core = state.core()?;
    let target = TeamSignInFor::Login {
        name: team.clone(),
        sign_in: None,
    };
    let (cancel, cancelled) = oneshot::channel();
    {
        let mut under_way = sign_ins
            .0
            .lock()
            .map_err(|_| IpcError::from(authdeck_core::Error::Internal("sign-ins".into())))?;
        if under_way.contains_key(&team) {
            return Err(IpcError::from(authdeck_core::Error::Conflict {
                field: "team".into(),
                message: format!(
                    "A sign-in to the team vault “{team}” is already waiting for the browser."
                ),
            }));
        }
        under_way.insert(team.clone(), cancel);
    }
    let outcome = sign_in_in_browser(core, target, cancelled).await;
    if let Ok(mut under_way) = sign_ins.0.lock() {
        under_way.remove(&team);
    }
    let signed_in = outcome?;
    if signed_in {
        known.forget();
        changed(&app, &[StoreScope::Secrets, StoreScope::Tokens]);
    }
    Ok(signed_in)
}

/// Starts the OIDC sign-in, opens the browser and waits for the vault's token.
async fn sign_in_in_browser(
    core: &authdeck_core::Core,
    target: TeamSignInFor,
    cancelled: oneshot::Receiver<()>,
) -> authdeck_core::Result<bool> {
    let pending = core.start_team_oidc(target, None).await?;
    open_in_browser(&pending.started.url)?;
    let outcome = core
        .finish_team_oidc(pending, async {
            let _ = cancelled.await;
        })
        .await;
    Ok(outcome?.is_some())
}

/// Cancels a browser sign-in to a team vault; nothing is kept.
#[tauri::command(async)]
pub fn cancel_team_sign_in(sign_ins: State<'_, TeamSignIns>, team: String) {
    let cancel = sign_ins.0.lock().ok().and_then(|mut s| s.remove(&team));
    if let Some(cancel) = cancel {
        let _ = cancel.send(());
    }
}
