//! The IPC commands: convert, call core, convert back, and say what changed.

use crate::clipboard::CopyGeneration;
use crate::ipc::{
    AppBinding, AppInfo, CopyStarted, ExchangeError, FirstScreen, IpcError, OpenedApp,
    RevealedSecret, STORE_CHANGED, StartupMarks, StoreChanged, StoreScope,
};
use crate::state::AppState;
use authdeck_core::audit::{AuditEntry, AuditQuery};
use authdeck_core::model::*;
use authdeck_core::portable::{self, ExportSummary, ImportReport};
use authdeck_core::team::merge::Choices;
use authdeck_core::validate::FieldError;
use authdeck_core::{AppSwitches, ExchangeRequest, Fetch, SecretUse};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Runtime, State};

type Reply<T> = Result<T, IpcError>;

pub(crate) fn changed<R: Runtime>(app: &AppHandle<R>, scopes: &[StoreScope]) {
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

/// Changes an environment; a team environment's in its vault's set-up first (`choices`
/// settle a conflict with another member's change).
#[tauri::command]
pub async fn update_environment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: EnvironmentId,
    input: EnvironmentInput,
    choices: Option<Choices>,
) -> Reply<Environment> {
    let choices = choices.unwrap_or_default();
    let environment = state
        .core()?
        .update_environment_in_setup(&id, input, &choices)
        .await?;
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

/// Forgets a team environment on this computer only; the team vault keeps it.
#[tauri::command(async)]
pub fn leave_environment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: EnvironmentId,
) -> Reply<EnvironmentDeleted> {
    let deleted = state.core()?.leave_environment(&id)?;
    changed(&app, ENVIRONMENT_GONE);
    Ok(deleted)
}

/// Deletes a team environment for every member: its set-up and secrets in the team vault,
/// then here. The window confirms a production one by its name first.
#[tauri::command]
pub async fn delete_environment_for_team<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: EnvironmentId,
) -> Reply<EnvironmentDeleted> {
    let deleted = state.core()?.delete_environment_for_team(&id).await?;
    changed(&app, ENVIRONMENT_GONE);
    Ok(deleted)
}

/// What an environment's removal changes.
const ENVIRONMENT_GONE: &[StoreScope] = &[
    StoreScope::Environments,
    StoreScope::Apps,
    StoreScope::Secrets,
    StoreScope::Settings,
];

#[tauri::command(async)]
pub fn validate_environment(
    state: State<'_, AppState>,
    id: Option<EnvironmentId>,
    input: EnvironmentInput,
) -> Reply<Vec<FieldError>> {
    Ok(state.core()?.validate_environment(id.as_ref(), &input)?)
}

/// The first screen in one round trip (see FirstScreen): the window asks for it before its
/// bundle has loaded, instead of the settings, then the environments and the active list.
#[tauri::command(async)]
pub fn first_screen(state: State<'_, AppState>) -> Reply<FirstScreen> {
    first_screen_of(state.core()?)
}

fn first_screen_of(core: &authdeck_core::Core) -> Reply<FirstScreen> {
    let settings = core.settings()?;
    let environments = core.environments()?;
    let active = settings.active_environment_id.as_ref().filter(|id| {
        environments
            .iter()
            .any(|environment| &environment.id == *id)
    });
    let (apps, team) = match active {
        Some(id) => (Some(core.apps(id)?), crate::team::team_badge(core, id)?),
        None => (None, None),
    };
    Ok(FirstScreen {
        settings,
        environments,
        apps,
        team,
    })
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

/// Creates an app; in a team environment in its vault's set-up first.
#[tauri::command]
pub async fn create_app<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: ClientAppInput,
    choices: Option<Choices>,
) -> Reply<ClientApp> {
    let choices = choices.unwrap_or_default();
    let created = state
        .core()?
        .create_app_in_setup(input, AppSwitches::default(), &choices)
        .await?;
    changed(&app, &[StoreScope::Apps, StoreScope::Environments]);
    Ok(created)
}

/// Changes an app; in a team environment in its vault's set-up first.
#[tauri::command]
pub async fn update_app<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: AppId,
    input: ClientAppInput,
    choices: Option<Choices>,
) -> Reply<ClientApp> {
    let choices = choices.unwrap_or_default();
    let updated = state
        .core()?
        .update_app_in_setup(&id, input, AppSwitches::default(), &choices)
        .await?;
    changed(&app, &[StoreScope::Apps, StoreScope::Environments]);
    Ok(updated)
}

/// Deletes an app; in a team environment from its vault's set-up first.
#[tauri::command]
pub async fn delete_app<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: AppId,
    choices: Option<Choices>,
) -> Reply<AppDeleted> {
    let choices = choices.unwrap_or_default();
    let deleted = state.core()?.delete_app_in_setup(&id, &choices).await?;
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

/// The client authentication methods the app form offers in an environment, each marked
/// whether the provider's metadata lists it.
#[tauri::command]
pub async fn auth_methods(
    state: State<'_, AppState>,
    environment_id: EnvironmentId,
) -> Reply<AuthMethodChoices> {
    Ok(state.core()?.auth_method_choices(&environment_id).await?)
}

#[tauri::command(async)]
pub fn list_secrets(state: State<'_, AppState>, app_id: AppId) -> Reply<Vec<SecretMeta>> {
    Ok(state.core()?.secrets(&app_id)?)
}

/// Adds a secret: to the keychain, or for a team environment to its vault (as `authdeck
/// secret add` does).
#[tauri::command]
pub async fn add_secret<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: SecretInput,
) -> Reply<SecretAdded> {
    let (added, _) = state.core()?.put_secret(input).await?;
    changed(&app, &[StoreScope::Secrets, StoreScope::Apps]);
    Ok(added)
}

/// Retires a secret; a team secret in its vault's set-up, for every member.
#[tauri::command]
pub async fn retire_secret<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: SecretId,
) -> Reply<SecretMeta> {
    let set = state
        .core()?
        .set_secret_state(&id, SecretState::Retired)
        .await?;
    changed(&app, &[StoreScope::Secrets, StoreScope::Apps]);
    Ok(set.secret)
}

/// Puts a retired secret back in use; a team secret in its vault's set-up, for every member.
#[tauri::command]
pub async fn reactivate_secret<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: SecretId,
) -> Reply<SecretMeta> {
    let set = state
        .core()?
        .set_secret_state(&id, SecretState::Active)
        .await?;
    changed(&app, &[StoreScope::Secrets, StoreScope::Apps]);
    Ok(set.secret)
}

/// Deletes a secret; a team secret from its vault (every version), after the vault said the
/// policy allows it.
#[tauri::command]
pub async fn delete_secret<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: SecretId,
) -> Reply<()> {
    state.core()?.remove_secret(&id).await?;
    changed(&app, &[StoreScope::Secrets, StoreScope::Apps]);
    Ok(())
}

/// The one command that sends a secret value to the webview, because the user asked to see it.
#[tauri::command]
pub async fn reveal_secret(state: State<'_, AppState>, id: SecretId) -> Reply<RevealedSecret> {
    let core = state.core()?;
    let value = core.read_secret_for(&id, SecretUse::Reveal).await?;
    Ok(RevealedSecret {
        value: value.expose().to_owned(),
        hide_after_seconds: core.settings()?.reveal_seconds,
    })
}

#[tauri::command]
pub async fn copy_secret<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    generation: State<'_, CopyGeneration>,
    id: SecretId,
) -> Reply<CopyStarted> {
    let core = state.core()?;
    let value = core.read_secret_for(&id, SecretUse::Copy).await?;
    copy_value(&app, core, &generation, &value)
}

#[tauri::command(async)]
pub fn token_statuses(
    state: State<'_, AppState>,
    environment_id: EnvironmentId,
) -> Reply<Vec<TokenStatus>> {
    Ok(state.core()?.token_statuses(&environment_id)?)
}

#[tauri::command(async)]
pub fn token_details(state: State<'_, AppState>, app_id: AppId) -> Reply<TokenDetails> {
    Ok(state.core()?.token_details(&app_id)?)
}

#[tauri::command]
pub async fn get_token<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    app_id: AppId,
    input: TokenRequestInput,
) -> Reply<TokenStatus> {
    let outcome = state.core()?.fetch_token(&app_id, input, Fetch::New).await;
    // a failed request may still have changed what is stored (a renewal error cleared ...)
    changed(&app, &[StoreScope::Tokens, StoreScope::Secrets]);
    Ok(outcome?)
}

#[tauri::command]
pub async fn introspect_token(state: State<'_, AppState>, app_id: AppId) -> Reply<Introspection> {
    Ok(state.core()?.introspect_token(&app_id).await?)
}

#[tauri::command]
pub async fn token_info(state: State<'_, AppState>, app_id: AppId) -> Reply<TokenInfo> {
    Ok(state.core()?.token_info(&app_id).await?)
}

#[tauri::command]
pub async fn revoke_token<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    app_id: AppId,
) -> Reply<TokenStatus> {
    let status = state.core()?.revoke_token(&app_id).await?;
    changed(&app, &[StoreScope::Tokens]);
    Ok(status)
}

#[tauri::command(async)]
pub fn forget_token<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    app_id: AppId,
) -> Reply<TokenStatus> {
    let status = state.core()?.forget_token(&app_id)?;
    changed(&app, &[StoreScope::Tokens]);
    Ok(status)
}

#[tauri::command(async)]
pub fn set_auto_renew<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    app_id: AppId,
    on: bool,
) -> Reply<TokenStatus> {
    let status = state.core()?.set_auto_renew(&app_id, on)?;
    changed(&app, &[StoreScope::Tokens, StoreScope::Apps]);
    Ok(status)
}

/// Exchanges another app's token for one of `app_id` (RFC 8693), kept as its token; a failure
/// says which part of the request it is about.
#[tauri::command]
pub async fn exchange_token<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    app_id: AppId,
    request: ExchangeRequest,
) -> Result<TokenStatus, ExchangeError> {
    let outcome = state.core()?.exchange_token(&app_id, &request).await;
    // the subject app may have got a token first, whatever the exchange did
    changed(&app, &[StoreScope::Tokens]);
    Ok(outcome?)
}

/// How the app's tokens are bound (DPoP) and its authorization requests sent (PAR).
#[tauri::command(async)]
pub fn app_binding(state: State<'_, AppState>, app_id: AppId) -> Reply<AppBinding> {
    binding_of(state.core()?, &app_id)
}

/// Marks the app DPoP-bound (making its proof key) or not; its next token follows.
#[tauri::command]
pub async fn set_dpop<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    app_id: AppId,
    on: bool,
) -> Reply<AppBinding> {
    let core = state.core()?;
    let switches = AppSwitches {
        dpop: Some(on),
        par: None,
    };
    core.switch_app_in_setup(&app_id, switches, &Choices::default())
        .await?;
    binding_changed(&app, core, &app_id)
}

/// Signs the app's DPoP proofs with a new key of `alg` (refused when the provider's metadata
/// lists DPoP algorithms without it); the DPoP token bound to the old key is forgotten.
#[tauri::command]
pub async fn set_dpop_alg<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    app_id: AppId,
    alg: authdeck_core::model::KeyAlg,
) -> Reply<AppBinding> {
    let core = state.core()?;
    core.set_dpop_alg(&app_id, alg).await?;
    changed(&app, &[StoreScope::Tokens]);
    binding_changed(&app, core, &app_id)
}

/// Makes the app's browser logins push their authorization requests, or not.
#[tauri::command]
pub async fn set_par<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    app_id: AppId,
    on: bool,
) -> Reply<AppBinding> {
    let core = state.core()?;
    let switches = AppSwitches {
        dpop: None,
        par: Some(on),
    };
    core.switch_app_in_setup(&app_id, switches, &Choices::default())
        .await?;
    binding_changed(&app, core, &app_id)
}

/// Tells the window the apps changed and answers with the binding as it is now.
fn binding_changed<R: Runtime>(
    app: &AppHandle<R>,
    core: &authdeck_core::Core,
    app_id: &AppId,
) -> Reply<AppBinding> {
    changed(app, &[StoreScope::Apps]);
    binding_of(core, app_id)
}

fn binding_of(core: &authdeck_core::Core, app_id: &AppId) -> Reply<AppBinding> {
    let dpop = core.dpop_binding(app_id)?;
    Ok(AppBinding {
        dpop: dpop.bound,
        jkt: dpop.jkt,
        alg: dpop.alg,
        par: core.pushes_requests(app_id)?,
    })
}

/// Copies the app's access token under the same rules as a secret.
#[tauri::command(async)]
pub fn copy_token<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    generation: State<'_, CopyGeneration>,
    app_id: AppId,
) -> Reply<CopyStarted> {
    let core = state.core()?;
    let value = core.token_to_copy(&app_id)?;
    copy_value(&app, core, &generation, &value)
}

#[tauri::command]
pub async fn verify_secret<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: SecretId,
) -> Reply<SecretMeta> {
    let secret = state.core()?.verify_secret(&id).await?;
    changed(&app, &[StoreScope::Secrets]);
    Ok(secret)
}

/// The provider profiles the environment form offers.
#[tauri::command]
pub fn provider_profiles() -> Vec<ProfileDescription> {
    authdeck_core::profile::profiles()
}

/// The endpoints a profile's templates give with the form's values (`[key, value]` pairs).
#[tauri::command]
pub fn profile_endpoints(
    profile: ProviderProfile,
    values: Vec<(String, String)>,
) -> Reply<Endpoints> {
    Ok(authdeck_core::profile::endpoints_of(profile, &values)?)
}

#[tauri::command]
pub async fn discover(state: State<'_, AppState>, issuer: String) -> Reply<Discovery> {
    Ok(state.core()?.discover(&issuer).await?)
}

#[tauri::command]
pub async fn call_api<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request: ApiRequest,
) -> Reply<ApiResponse> {
    let outcome = state.core()?.call_api(&request).await;
    // it may have fetched a token first
    changed(&app, &[StoreScope::Tokens]);
    Ok(outcome?)
}

/// Copies the request as a curl command: the token as `$TOKEN`, or its value when asked
/// (then under the secret clipboard rules, like every copy).
#[tauri::command(async)]
pub fn copy_curl<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    generation: State<'_, CopyGeneration>,
    request: ApiRequest,
    with_token: bool,
) -> Reply<CopyStarted> {
    let core = state.core()?;
    let command = core.curl_command(&request, with_token)?;
    copy_value(&app, core, &generation, &command)
}

#[tauri::command(async)]
pub fn suggested_export_path(state: State<'_, AppState>) -> Reply<Option<String>> {
    Ok(state.core()?.suggested_export_path())
}

/// Writes the export (never a secret or a token) to the path the user typed.
#[tauri::command(async)]
pub fn export_setup(
    state: State<'_, AppState>,
    path: String,
    overwrite: bool,
) -> Reply<ExportSummary> {
    let path = portable::chosen_path(&path)?;
    Ok(state.core()?.export_to(&path, overwrite)?)
}

#[tauri::command(async)]
pub fn preview_import(state: State<'_, AppState>, path: String) -> Reply<ImportReport> {
    let text = portable::read_file(&portable::chosen_path(&path)?)?;
    Ok(state.core()?.preview_import(&text)?)
}

/// Imports the file; core refuses it when it changes a stored production environment the
/// user did not confirm by name in the dialog (`confirmed_production`). A team environment's
/// changes go to its vault's set-up first.
#[tauri::command]
pub async fn apply_import<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: String,
    confirmed_production: Vec<String>,
    choices: Option<Choices>,
) -> Reply<ImportReport> {
    let text = portable::read_file(&portable::chosen_path(&path)?)?;
    let choices = choices.unwrap_or_default();
    let report = state
        .core()?
        .apply_import_in_setup(&text, &confirmed_production, &choices)
        .await?;
    // Tokens too: a changed endpoint pauses its apps' automatic renewal.
    changed(
        &app,
        &[
            StoreScope::Environments,
            StoreScope::Apps,
            StoreScope::Settings,
            StoreScope::Tokens,
        ],
    );
    Ok(report)
}

#[tauri::command(async)]
pub fn audit_log(state: State<'_, AppState>, query: AuditQuery) -> Reply<Vec<AuditEntry>> {
    Ok(state.core()?.audit_log(&query)?)
}

pub(crate) fn copy_value<R: Runtime>(
    app: &AppHandle<R>,
    core: &authdeck_core::Core,
    generation: &CopyGeneration,
    value: &Secret,
) -> Reply<CopyStarted> {
    let clear_after_seconds = core.settings()?.clipboard_clear_seconds;
    generation.copy(
        app,
        value,
        Duration::from_secs(u64::from(clear_after_seconds)),
    )?;
    // the tray's note of a token it copied goes once anything else is copied
    crate::tray::rebuild_soon(app);
    Ok(CopyStarted {
        clear_after_seconds,
    })
}

/// The desktop process's start-up marks, for the desktop benchmark (nothing secret in them).
#[tauri::command]
pub fn startup_marks(startup: State<'_, crate::Startup>) -> StartupMarks {
    startup.marks()
}

/// The app a launch, a notification or the tray asked to show (and what to do on it), once;
/// None when there is none. An app that is gone by now is a not-found error the UI shows.
#[tauri::command(async)]
pub fn take_open_request(
    state: State<'_, AppState>,
    request: State<'_, crate::instance::OpenRequest>,
) -> Reply<Option<OpenedApp>> {
    match request.take() {
        Some((id, action)) => Ok(Some(OpenedApp {
            app: state.core()?.app(&id)?,
            action,
        })),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use authdeck_core::SystemClock;
    use authdeck_core::vault::KeychainVault;
    use std::sync::Arc;

    /// A store of its own; the first screen touches no keychain entry.
    fn core(home: &std::path::Path) -> authdeck_core::Core {
        let vault = Arc::new(KeychainVault::new("authdeck-test-first-screen"));
        authdeck_core::Core::open(home, vault, Arc::new(SystemClock)).unwrap()
    }

    #[test]
    fn the_first_screen_is_the_settings_the_environments_and_the_active_ones_apps() {
        let home = tempfile::tempdir().unwrap();
        let core = core(home.path());
        let app = |name: &str| {
            format!(
                r#"{{"display_name": "{name}", "client_id": "-{name}", "client_type": "public", "auth_method": "none"}}"#
            )
        };
        let json = format!(
            r##"{{"authdeck_export": 1, "environments": [
                {{"name": "Work", "kind": "sandbox", "color": "#2f80ed", "endpoints": {{"token_url": "https://work.example/token"}}, "apps": [{}, {}]}},
                {{"name": "Live", "kind": "production", "color": "#eb5757", "endpoints": {{"token_url": "https://live.example/token"}}, "apps": [{}]}}]}}"##,
            app("one"),
            app("two"),
            app("three")
        );
        core.apply_import(&json, &[]).unwrap();
        let live = core
            .environments()
            .unwrap()
            .into_iter()
            .find(|environment| environment.name == "Live")
            .unwrap();
        core.set_active_environment(&live.id).unwrap();

        let screen = first_screen_of(&core).unwrap();
        assert_eq!(screen.settings.active_environment_id, Some(live.id.clone()));
        let names: Vec<_> = screen
            .environments
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(
            names,
            core.environments()
                .unwrap()
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>()
        );
        assert_eq!(names.len(), 2);
        let apps = screen.apps.expect("the active environment's apps");
        assert_eq!(
            apps.iter()
                .map(|a| a.display_name.as_str())
                .collect::<Vec<_>>(),
            ["three"]
        );
        assert_eq!(apps[0].client_id, "-three");
        assert!(
            screen.team.is_none(),
            "a local environment has no team vault"
        );
    }

    #[test]
    fn without_an_active_environment_the_first_screen_has_no_apps() {
        let home = tempfile::tempdir().unwrap();
        let screen = first_screen_of(&core(home.path())).unwrap();
        assert_eq!(screen.settings.active_environment_id, None);
        assert!(screen.environments.is_empty());
        assert!(screen.apps.is_none() && screen.team.is_none());
    }
}
