//! Admin work at the provider through an environment's connector (core does it all; these
//! commands convert and say what changed).

use crate::commands::changed;
use crate::ipc::{IpcError, StoreScope};
use crate::state::AppState;
use authdeck_core::model::*;
use tauri::{AppHandle, Runtime, State};

type Reply<T> = Result<T, IpcError>;

const ALL_APP_SCOPES: &[StoreScope] = &[
    StoreScope::Apps,
    StoreScope::Secrets,
    StoreScope::Tokens,
    StoreScope::Environments,
];

#[tauri::command(async)]
pub fn get_connector(
    state: State<'_, AppState>,
    environment_id: EnvironmentId,
) -> Reply<Option<Connector>> {
    Ok(state.core()?.connector(&environment_id)?)
}

#[tauri::command(async)]
pub fn set_connector<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    environment_id: EnvironmentId,
    connector: Option<Connector>,
) -> Reply<Option<Connector>> {
    let saved = state.core()?.set_connector(&environment_id, connector)?;
    changed(&app, &[StoreScope::Environments]);
    Ok(saved)
}

#[tauri::command]
pub async fn list_remote_apps(
    state: State<'_, AppState>,
    environment_id: EnvironmentId,
) -> Reply<Vec<RemoteApp>> {
    Ok(state.core()?.remote_apps(&environment_id).await?)
}

#[tauri::command]
pub async fn create_remote_app<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    environment_id: EnvironmentId,
    fields: RemoteFields,
    default_scopes: Vec<String>,
) -> Reply<RemoteCreated> {
    let created = state
        .core()?
        .create_remote_app(&environment_id, fields, default_scopes)
        .await;
    changed(&app, ALL_APP_SCOPES);
    Ok(created?)
}

#[tauri::command]
pub async fn import_remote_app<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    environment_id: EnvironmentId,
    remote_id: String,
) -> Reply<ClientApp> {
    let imported = state
        .core()?
        .import_remote_app(&environment_id, &remote_id)
        .await?;
    changed(&app, &[StoreScope::Apps, StoreScope::Environments]);
    Ok(imported)
}

#[tauri::command(async)]
pub fn remote_link(state: State<'_, AppState>, app_id: AppId) -> Reply<Option<RemoteLink>> {
    Ok(state.core()?.remote_link(&app_id)?)
}

#[tauri::command]
pub async fn remote_drift(state: State<'_, AppState>, app_id: AppId) -> Reply<Vec<FieldDrift>> {
    Ok(state.core()?.remote_drift(&app_id).await?)
}

#[tauri::command]
pub async fn pull_remote<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    app_id: AppId,
) -> Reply<ClientApp> {
    let pulled = state.core()?.pull_remote(&app_id).await?;
    changed(&app, &[StoreScope::Apps]);
    Ok(pulled)
}

#[tauri::command]
pub async fn push_remote(state: State<'_, AppState>, app_id: AppId) -> Reply<RemoteApp> {
    Ok(state.core()?.push_remote(&app_id).await?)
}

#[tauri::command]
pub async fn delete_remote_app<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    app_id: AppId,
    revoke_first: bool,
) -> Reply<RemoteDeleted> {
    let deleted = state.core()?.delete_remote_app(&app_id, revoke_first).await;
    changed(&app, ALL_APP_SCOPES);
    Ok(deleted?)
}
