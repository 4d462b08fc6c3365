//! The desktop shell: builds the Tauri app, holds the state, registers the commands. The only
//! code that imports tauri; everything it does goes through `authdeck_core::Core`.

mod background;
mod clipboard;
mod commands;
mod demo;
mod files;
mod instance;
pub mod ipc;
mod keys;
mod login;
mod notices;
mod remote;
mod startup;
mod state;
mod team;
mod team_permissions;
mod tray;

use authdeck_core::model::AppId;
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

/// What a launch asks for: its command line, read the same way in the process that was started
/// and in the running instance it hands over to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Launch {
    pub mode: Mode,
    /// `--open APP`: the app (its ID) to show.
    pub open: Option<AppId>,
    /// `--help`: print the usage and exit.
    pub help: bool,
}

impl Launch {
    /// Reads the arguments after the program's name; the error names the argument it refuses.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut launch = Self {
            mode: Mode::Normal,
            open: None,
            help: false,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--demo" => launch.mode = Mode::Demo,
                "--open" => match args.next() {
                    Some(id) if !id.trim().is_empty() && !id.starts_with('-') => {
                        launch.open = Some(AppId(id));
                    }
                    _ => return Err("--open needs an app ID".to_owned()),
                },
                "-h" | "--help" => launch.help = true,
                other => return Err(format!("unknown argument “{other}”")),
            }
        }
        Ok(launch)
    }
}

/// Why the desktop app did not start.
#[derive(Debug, PartialEq, Eq)]
pub enum NotStarted {
    /// Another launch holds this data folder's instance name on the session bus but did not
    /// take the hand-over (it was ending, or died while asked): a new launch once the name is free starts
    /// normally.
    HandOverFailed(String),
    /// Another launch holds this data folder's instance name but did not answer the hand-over
    /// within `instance::ANSWER_WAIT` (stopped or hung); its process ID when known. This launch
    /// starts nothing beside it.
    NotAnswering(Option<u32>),
    /// Anything else, said for the person who launched it.
    Failed(String),
}

impl std::fmt::Display for NotStarted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::HandOverFailed(reason) => write!(
                f,
                "Authdeck already runs on this data folder but did not answer ({reason}). \
                 Quit it, or end its process, and start Authdeck again."
            ),
            Self::NotAnswering(pid) => {
                let process = pid
                    .map(|pid| format!(" (process {pid})"))
                    .unwrap_or_default();
                let end =
                    pid.map_or_else(|| "end it".to_owned(), |pid| format!("end it (kill {pid})"));
                write!(
                    f,
                    "Authdeck already runs on this data folder{process} but did not answer within \
                     {} s: it is stopped or hung. No second Authdeck was started beside it. Wait \
                     and try again, or {end} and start Authdeck again.",
                    instance::ANSWER_WAIT.as_secs()
                )
            }
            Self::Failed(message) => f.write_str(message),
        }
    }
}

/// Says a launch's refusal where a person who started Authdeck from a desktop menu sees it: a
/// desktop notification (bounded wait), beside the stderr line the caller prints.
pub fn tell_on_desktop(error: &NotStarted) -> bool {
    notices::tell_without_window("Authdeck is not answering", &error.to_string())
}

/// The plugin's name in tauri's error for a failed plugin set-up.
const SINGLE_INSTANCE_PLUGIN: &str = "single-instance";

/// Starts the desktop app; returns when its last window closes. When another Authdeck already
/// runs on the same data folder, hands `launch` over to it and exits 0 instead. Demo mode
/// returns an error before any window opens when its server cannot start.
pub fn run(launch: Launch, startup: Startup) -> Result<(), NotStarted> {
    let (home, namespace) = state::AppState::location(launch.mode);
    let instance_home = home.as_deref().unwrap_or(std::path::Path::new(""));
    // Before any window or store: a hung instance is told within seconds, not the bus's 25.
    match instance::hand_over_to_running(instance_home, &namespace) {
        instance::HandOver::NoInstance => {}
        instance::HandOver::Done => return Ok(()),
        instance::HandOver::NotAnswering(pid) => return Err(NotStarted::NotAnswering(pid)),
        instance::HandOver::Failed(reason) => return Err(NotStarted::HandOverFailed(reason)),
    }
    let app = tauri::Builder::default()
        // first, so a second instance hands over before anything else is set up
        .plugin(instance::plugin(instance_home, &namespace))
        .plugin(tauri_plugin_clipboard_manager::init())
        // its commands are not granted to the webview: only Rust opens dialogs (files.rs)
        .plugin(tauri_plugin_dialog::init())
        // its commands are not granted to the webview either: only Rust raises notifications
        .plugin(tauri_plugin_notification::init())
        .manage(startup)
        .manage(clipboard::CopyGeneration::default())
        .manage(login::Logins::default())
        .manage(instance::OpenRequest::default())
        .manage(notices::Notices::default())
        .manage(team::SeenSetups::default())
        .manage(team::TeamSignIns::default())
        .manage(team_permissions::KnownPermissions::default())
        .setup(|app| {
            use tauri::Manager;
            app.state::<Startup>().mark("set-up");
            set_up_webkit(app);
            notices::follow_clicks(app.handle());
            background::start(app.handle().clone());
            // No tray is no failure: the window works as before and closing it quits.
            if let Err(error) = tray::start(app.handle()) {
                eprintln!("authdeck-desktop: no tray icon: {error}");
            }
            Ok(())
        })
        .on_window_event(tray::on_window_event)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_environments,
            commands::create_environment,
            commands::update_environment,
            commands::delete_environment,
            commands::leave_environment,
            commands::delete_environment_for_team,
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
            commands::auth_methods,
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
            commands::exchange_token,
            commands::app_binding,
            commands::set_dpop,
            commands::set_dpop_alg,
            commands::set_par,
            commands::copy_token,
            commands::verify_secret,
            keys::key_algorithms,
            keys::list_signing_keys,
            keys::add_signing_key,
            keys::retire_signing_key,
            keys::reactivate_signing_key,
            keys::delete_signing_key,
            keys::copy_public_jwk,
            keys::copy_jwks,
            keys::list_client_certs,
            keys::add_client_cert,
            keys::retire_client_cert,
            keys::reactivate_client_cert,
            keys::delete_client_cert,
            keys::copy_cert_jwk,
            keys::certificate_binding,
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
            files::export_with_dialog,
            files::preview_with_dialog,
            commands::audit_log,
            commands::first_screen,
            commands::startup_marks,
            commands::take_open_request,
            team::team_of_environment,
            team::watch_team,
            team::sign_in_team,
            team::sign_in_team_oidc,
            team::cancel_team_sign_in,
            team_permissions::team_permissions,
        ])
        .build(tauri::generate_context!())
        .map_err(|error| match error {
            tauri::Error::PluginInitialization(plugin, reason)
                if plugin == SINGLE_INSTANCE_PLUGIN =>
            {
                NotStarted::HandOverFailed(reason)
            }
            error => {
                NotStarted::Failed(format!("The Authdeck window could not be started: {error}"))
            }
        })?;
    // Only the one instance of this data folder gets here (the plugin's set-up above ended a
    // second one): a second launch must not start a demo server, re-seed the demo's folder or
    // run the store's start-up reconciliation under the running instance's feet.
    use tauri::Manager;
    let (state, opening) = match launch.mode {
        Mode::Normal => state::AppState::normal(home, namespace),
        Mode::Demo => {
            state::AppState::demo(home, demo::start_server().map_err(NotStarted::Failed)?)
        }
    };
    // While the window and its webview are made on this thread (the first command waits).
    let handle = app.handle().clone();
    state.open_in_background(opening, move || {
        handle.state::<Startup>().mark("store-opened");
    });
    app.manage(state);
    if let Some(open) = launch.open {
        app.state::<instance::OpenRequest>().set((open, None));
    }
    app.run(|app, event| {
        // A copied secret must not outlive the app whose countdown would have cleared it.
        // On ExitRequested, not Exit: the clipboard plugin lets go of the clipboard on Exit
        // (before this handler runs), handing its contents to the desktop's clipboard
        // manager, and reading it after that panics.
        match event {
            tauri::RunEvent::Ready => app.state::<Startup>().mark("event-loop-ready"),
            tauri::RunEvent::ExitRequested { .. } => {
                app.state::<clipboard::CopyGeneration>().clear_on_exit(app);
                // The exit is decided (nothing prevents it): a launch from now on starts its
                // own instance rather than hand over to this one, which would end without
                // answering (the plugin would let go of its bus name only at the very end).
                tauri_plugin_single_instance::destroy(app);
            }
            _ => {}
        }
    });
    Ok(())
}

/// Tells WebKit that the window shows one document with nothing to cache between pages: the
/// app's assets are built in and it never navigates, and WebKit's default cache model keeps
/// memory and disk caches for browsing (issue 14: idle memory). Accelerated compositing stays
/// on: turned off (hardware acceleration policy Never) the web process took half the memory,
/// but under Xvfb the page stopped painting after the system's file dialog had been open (the
/// end-to-end "Choose file…" step; see the README's desktop performance section).
fn set_up_webkit<R: tauri::Runtime>(app: &tauri::App<R>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Launch, String> {
        Launch::parse(args.iter().map(|arg| (*arg).to_owned()))
    }

    #[test]
    fn a_launch_reads_demo_open_and_help() {
        let launch = parse(&["--demo", "--open", "app-1"]).unwrap();
        assert_eq!(launch.mode, Mode::Demo);
        assert_eq!(launch.open, Some(AppId("app-1".into())));
        assert!(!launch.help);
        assert_eq!(parse(&[]).unwrap().open, None);
        assert!(parse(&["-h"]).unwrap().help);
    }

    #[test]
    fn a_running_app_that_does_not_answer_is_named_with_what_to_do() {
        assert_eq!(
            NotStarted::NotAnswering(Some(4242)).to_string(),
            "Authdeck already runs on this data folder (process 4242) but did not answer \
             within 2 s: it is stopped or hung. No second Authdeck was started beside it. Wait \
             and try again, or end it (kill 4242) and start Authdeck again."
        );
        assert!(
            NotStarted::NotAnswering(None)
                .to_string()
                .contains("data folder but did not answer within 2 s: it is stopped or hung. No second Authdeck was started beside it. Wait and try again, or end it and start")
        );
    }

    #[test]
    fn a_launch_refuses_open_without_an_id_and_unknown_arguments() {
        assert_eq!(parse(&["--open"]).unwrap_err(), "--open needs an app ID");
        assert_eq!(
            parse(&["--open", "--demo"]).unwrap_err(),
            "--open needs an app ID"
        );
        assert_eq!(parse(&["--x"]).unwrap_err(), "unknown argument “--x”");
    }
}
