//! What the member's vault policy allows in a team environment, for the window to disable
//! what it does not (`Core::team_permissions`, asked of the vault). Asked once per set-up
//! version the window has seen: again when the version moves on, after a sign-in (which may
//! bring other policies) and when the app opens, never on every render.

use crate::ipc::IpcError;
use crate::state::AppState;
use crate::team::SeenSetups;
use authdeck_core::TeamPermissions;
use authdeck_core::model::EnvironmentId;
use std::collections::HashMap;
use std::sync::Mutex;
use tauri::State;

/// The last answer per environment, with the set-up version seen when it was asked.
#[derive(Default)]
pub struct KnownPermissions(Mutex<HashMap<EnvironmentId, (u64, TeamPermissions)>>);

impl KnownPermissions {
    /// Forgets every answer: a new sign-in may come with other policies.
    pub fn forget(&self) {
        if let Ok(mut known) = self.0.lock() {
            known.clear();
        }
    }
}

/// What the member may do in a team environment: the answer kept for the set-up version last
/// seen, else the vault's.
#[tauri::command]
pub async fn team_permissions(
    state: State<'_, AppState>,
    seen: State<'_, SeenSetups>,
    known: State<'_, KnownPermissions>,
    environment_id: EnvironmentId,
) -> Result<TeamPermissions, IpcError> {
    let version = seen.version_of(&environment_id);
    let kept = known.0.lock().ok().and_then(|known| {
        known
            .get(&environment_id)
            .filter(|(at, _)| Some(*at) == version)
            .map(|(_, permissions)| permissions.clone())
    });
    if let Some(permissions) = kept {
        return Ok(permissions);
    }
    let permissions = state.core()?.team_permissions(&environment_id).await?;
    if let (Some(version), Ok(mut known)) = (version, known.0.lock()) {
        known.insert(environment_id, (version, permissions.clone()));
    }
    Ok(permissions)
}
