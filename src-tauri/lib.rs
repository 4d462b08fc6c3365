//! The desktop shell: builds the Tauri app, holds the state, registers the commands. The only
//! code that imports tauri; everything it does goes through `authdeck_core::Core`.

mod background;
mod clipboard;
mod commands;
mod demo;
pub mod ipc;
mod login;
mod remote;
mod startup;
mod state;

pub use startup::Startup;

#[cfg(test)]
mod bindings;

/// How the app was started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The user's own data and keychain.
    Normal,
    /// `--demo`: a local authorization server and a data folder of its own.
    Demo,
}

/// Starts the desktop app; returns when its last window closes. Demo mode returns an error
/// before any window opens when its server cannot start.
pub fn run(mode: Mode, startup: Startup) -> Result<(), String> {
    let state = match mode {
        Mode::Normal => state::AppState::open(),
        Mode::Demo => state::AppState::demo(demo::start_server()?),
    };
    startup.mark("store-opened");
    tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .manage(state)
        .manage(startup)
        .manage(clipboard::CopyGeneration::default())
        .manage(login::Logins::default())
        .setup(|app| {
            use tauri::Manager;
            app.state::<Startup>().mark("set-up");
            keep_no_web_cache(app);
            background::start(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_environments,
            commands::create_environment,
            commands::update_environment,
            commands::delete_environment,
            commands::validate_environment,
            commands::get_settings,
            commands::update_settings,
            commands::set_active_environment,
            commands::list_apps,
            commands::get_app,
            commands::linked_apps,
            commands::create_app,
            commands::update_app,
            commands::delete_app,
            commands::validate_app,
            commands::list_secrets,
            commands::add_secret,
            commands::retire_secret,
            commands::reactivate_secret,
            commands::delete_secret,
            commands::reveal_secret,
            commands::copy_secret,
            commands::token_statuses,
            commands::token_details,
            commands::get_token,
            commands::introspect_token,
            commands::token_info,
            commands::revoke_token,
            commands::forget_token,
            commands::set_auto_renew,
            commands::copy_token,
            commands::verify_secret,
            commands::discover,
            commands::provider_profiles,
            commands::profile_endpoints,
            commands::call_api,
            commands::copy_curl,
            login::start_login,
            login::open_login_url,
            login::start_device_login,
            login::cancel_login,
            login::copy_login_url,
            remote::get_connector,
            remote::set_connector,
            remote::list_remote_apps,
            remote::create_remote_app,
            remote::import_remote_app,
            remote::remote_link,
            remote::remote_drift,
            remote::pull_remote,
            remote::push_remote,
            remote::delete_remote_app,
            commands::suggested_export_path,
            commands::export_setup,
            commands::preview_import,
            commands::apply_import,
            commands::audit_log,
            commands::startup_marks,
        ])
        .build(tauri::generate_context!())
        .map_err(|e| format!("The Authdeck window could not be started: {e}"))?
        .run(|app, event| {
            // A copied secret must not outlive the app whose countdown would have cleared it.
            // On ExitRequested, not Exit: the clipboard plugin lets go of the clipboard on Exit
            // (before this handler runs), handing its contents to the desktop's clipboard
            // manager, and reading it after that panics.
            use tauri::Manager;
            match event {
                tauri::RunEvent::Ready => app.state::<Startup>().mark("event-loop-ready"),
                tauri::RunEvent::ExitRequested { .. } => {
                    app.state::<clipboard::CopyGeneration>().clear_on_exit(app);
                }
                _ => {}
            }
        });
    Ok(())
}

/// Tells WebKit that the window shows one document with nothing to cache between pages: the
/// app's assets are built in and it never navigates, and WebKit's default cache model keeps
/// memory and disk caches for browsing (issue 14: idle memory).
fn keep_no_web_cache<R: tauri::Runtime>(app: &tauri::App<R>) {
    #[cfg(target_os = "linux")]
    {
        use tauri::Manager;
        for window in app.webview_windows().into_values() {
            let _ = window.with_webview(|webview| {
                use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
                if let Some(context) = webview.inner().context() {
                    context.set_cache_model(CacheModel::DocumentViewer);
                }
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}
