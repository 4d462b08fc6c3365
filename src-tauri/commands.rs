//! The IPC commands: convert, call core, convert back, and say what changed.

use crate::clipboard::CopyGeneration;
use crate::ipc::{
    AppInfo, CopyStarted, IpcError, RevealedSecret, STORE_CHANGED, StoreChanged, StoreScope,
};
use crate::state::AppState;
use authdeck_core::model::*;
use authdeck_core::validate::FieldError;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Runtime, State};

type Reply<T> = Result<T, IpcError>;

fn changed<R: Runtime>(app: &AppHandle<R>, scopes: &[StoreScope]) {
    for &scope in scopes {
        // A lost event only delays a refresh; the write itself succeeded.
        let _ = app.emit(STORE_CHANGED, StoreChanged { scope });
    }
}

#[tauri::command(async)]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    state.info()
}

#[tauri::command(async)]
pub fn list_environments(state: State<'_, AppState>) -> Reply<Vec<Environment>> {
    Ok(state.core()?.environments()?)
}

#[tauri::command(async)]
pub fn create_environment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: EnvironmentInput,
) -> Reply<Environment> {
    let environment = state.core()?.create_environment(input)?;
    changed(&app, &[StoreScope::Environments, StoreScope::Settings]);
    Ok(environment)
}

#[tauri::command(async)]
pub fn update_environment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: EnvironmentId,
    input: EnvironmentInput,
) -> Reply<Environment> {
    let environment = state.core()?.update_environment(&id, input)?;
    changed(&app, &[StoreScope::Environments, StoreScope::Apps]);
    Ok(environment)
}

#[tauri::command(async)]
pub fn delete_environment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: EnvironmentId,
    with_apps: bool,
) -> Reply<EnvironmentDeleted> {
    let deleted = state.core()?.delete_environment(&id, with_apps)?;
    changed(
        &app,
        &[
            StoreScope::Environments,
            StoreScope::Apps,
            StoreScope::Secrets,
            StoreScope::Settings,
        ],
    );
    Ok(deleted)
}

#[tauri::command(async)]
pub fn validate_environment(
    state: State<'_, AppState>,
    id: Option<EnvironmentId>,
    input: EnvironmentInput,
) -> Reply<Vec<FieldError>> {
    Ok(state.core()?.validate_environment(id.as_ref(), &input)?)
}

#[tauri::command(async)]
pub fn get_settings(state: State<'_, AppState>) -> Reply<Settings> {
    Ok(state.core()?.settings()?)
}

#[tauri::command(async)]
pub fn update_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: Settings,
) -> Reply<Settings> {
    let settings = state.core()?.update_settings(settings)?;
    changed(&app, &[StoreScope::Settings]);
    Ok(settings)
}

#[tauri::command(async)]
pub fn set_active_environment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: EnvironmentId,
) -> Reply<Settings> {
    let settings = state.core()?.set_active_environment(&id)?;
    changed(&app, &[StoreScope::Settings]);
    Ok(settings)
}

#[tauri::command(async)]
pub fn list_apps(
    state: State<'_, AppState>,
    environment_id: EnvironmentId,
) -> Reply<Vec<AppSummary>> {
    Ok(state.core()?.apps(&environment_id)?)
}

#[tauri::command(async)]
pub fn get_app(state: State<'_, AppState>, id: AppId) -> Reply<ClientApp> {
    Ok(state.core()?.app(&id)?)
}

#[tauri::command(async)]
pub fn linked_apps(state: State<'_, AppState>, id: AppId) -> Reply<Vec<LinkedApp>> {
    Ok(state.core()?.linked_apps(&id)?)
}

#[tauri::command(async)]
pub fn create_app<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: ClientAppInput,
) -> Reply<ClientApp> {
    let created = state.core()?.create_app(input)?;
    changed(&app, &[StoreScope::Apps, StoreScope::Environments]);
    Ok(created)
}

#[tauri::command(async)]
pub fn update_app<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: AppId,
    input: ClientAppInput,
) -> Reply<ClientApp> {
    let updated = state.core()?.update_app(&id, input)?;
    changed(&app, &[StoreScope::Apps, StoreScope::Environments]);
    Ok(updated)
}

#[tauri::command(async)]
pub fn delete_app<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: AppId,
) -> Reply<AppDeleted> {
    let deleted = state.core()?.delete_app(&id)?;
    changed(
        &app,
        &[
            StoreScope::Apps,
            StoreScope::Secrets,
            StoreScope::Environments,
        ],
    );
    Ok(deleted)
}

#[tauri::command(async)]
pub fn validate_app(
    state: State<'_, AppState>,
    id: Option<AppId>,
    input: ClientAppInput,
) -> Reply<Vec<FieldError>> {
    Ok(state.core()?.validate_app(id.as_ref(), &input)?)
}

#[tauri::command(async)]
pub fn list_secrets(state: State<'_, AppState>, app_id: AppId) -> Reply<Vec<SecretMeta>> {
    Ok(state.core()?.secrets(&app_id)?)
}

#[tauri::command(async)]
pub fn add_secret<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: SecretInput,
) -> Reply<SecretAdded> {
    let added = state.core()?.add_secret(input)?;
    changed(&app, &[StoreScope::Secrets, StoreScope::Apps]);
    Ok(added)
}

#[tauri::command(async)]
pub fn retire_secret<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: SecretId,
) -> Reply<SecretMeta> {
    let secret = state.core()?.retire_secret(&id)?;
    changed(&app, &[StoreScope::Secrets, StoreScope::Apps]);
    Ok(secret)
}

#[tauri::command(async)]
pub fn reactivate_secret<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: SecretId,
) -> Reply<SecretMeta> {
    let secret = state.core()?.reactivate_secret(&id)?;
    changed(&app, &[StoreScope::Secrets, StoreScope::Apps]);
    Ok(secret)
}

#[tauri::command(async)]
pub fn delete_secret<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: SecretId,
) -> Reply<()> {
    state.core()?.delete_secret(&id)?;
    changed(&app, &[StoreScope::Secrets, StoreScope::Apps]);
    Ok(())
}

/// The one command that sends a secret value to the webview, because the user asked to see it.
#[tauri::command(async)]
pub fn reveal_secret(state: State<'_, AppState>, id: SecretId) -> Reply<RevealedSecret> {
    let core = state.core()?;
    let value = core.secret_value(&id)?;
    Ok(RevealedSecret {
        value: value.expose().to_owned(),
        hide_after_seconds: core.settings()?.reveal_seconds,
    })
}

#[tauri::command(async)]
pub fn copy_secret<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    generation: State<'_, CopyGeneration>,
    id: SecretId,
) -> Reply<CopyStarted> {
    let core = state.core()?;
    let value = core.secret_value(&id)?;
    let clear_after_seconds = core.settings()?.clipboard_clear_seconds;
    generation.copy(
        &app,
        &value,
        Duration::from_secs(u64::from(clear_after_seconds)),
    )?;
    Ok(CopyStarted {
        clear_after_seconds,
    })
}
