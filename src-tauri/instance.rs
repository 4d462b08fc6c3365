//! One running Authdeck per data folder: a second launch hands its arguments to the running
//! one (over the session bus, through tauri-plugin-single-instance) and exits 0; the running
//! one comes forward and, for `--open APP`, shows that app (issue 17).
//!
//! The plugin claims the well-known D-Bus name `<id>.SingleInstance`, where `<id>` defaults to
//! the bundle identifier: every Authdeck on the session bus would then be "the same instance",
//! and the end-to-end tests, which run many apps with their own data folders and keychain
//! namespaces side by side, would hand over to each other. So the id carries a digest of the
//! data folder and the keychain namespace: one instance per (folder, namespace), as the store's
//! own single-writer assumptions need.

use crate::ipc::{OPEN_REQUESTED, OpenAction};
use authdeck_core::model::AppId;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// How long a launch waits for the running instance to take its hand-over. A running one
/// answers in milliseconds (its window comes forward, then it replies); one that has not
/// answered in this time is stopped or hung, and the session bus's own limit (25 s) would leave
/// the person looking at nothing for that long.
pub const ANSWER_WAIT: Duration = Duration::from_secs(2);

/// What came of offering this launch to an instance already running on the data folder.
#[derive(Debug, PartialEq, Eq)]
pub enum HandOver {
    /// None runs (or there is no session bus to find one on): this launch is the instance.
    NoInstance,
    /// The running instance took the launch's arguments: this launch is done.
    Done,
    /// One holds the instance's name but did not answer within [`ANSWER_WAIT`]: stopped or
    /// hung. Its process ID, when the bus could say.
    NotAnswering(Option<u32>),
    /// The hand-over failed otherwise (the instance ended while it was asked, say).
    Failed(String),
}

/// Offers this launch (its command line and folder, as tauri-plugin-single-instance sends
/// them) to the instance of `home` and `namespace` if one runs, waiting at most
/// [`ANSWER_WAIT`] for its answer. The plugin's own hand-over waits for the bus's default
/// limit; this one runs first, so a launch meets the plugin's only when no instance ran a
/// moment ago (two launches at once), and that one answers.
#[cfg(target_os = "linux")]
pub fn hand_over_to_running(home: &Path, namespace: &str) -> HandOver {
    use zbus::blocking::{Connection, connection, fdo::DBusProxy};
    use zbus::names::BusName;

    let name = format!("{}.SingleInstance", bus_id(home, namespace));
    // the plugin's object path for the name: '.' → '/', '-' → '_'
    let path = format!("/{}", name.replace('.', "/").replace('-', "_"));
    let connection: Connection = match connection::Builder::session()
        .map(|builder| builder.method_timeout(ANSWER_WAIT))
        .and_then(connection::Builder::build)
    {
        Ok(connection) => connection,
        // without a session bus there is no other instance to find: the plugin launches too
        Err(_) => return HandOver::NoInstance,
    };
    let Ok(bus_name) = BusName::try_from(name.as_str()) else {
        return HandOver::Failed(format!("“{name}” is not a bus name"));
    };
    // the bus itself answers these two, whatever state the instance is in
    let bus = match DBusProxy::new(&connection) {
        Ok(bus) => bus,
        Err(error) => return HandOver::Failed(error.to_string()),
    };
    match bus.name_has_owner(bus_name.clone()) {
        Ok(false) => return HandOver::NoInstance,
        Ok(true) => {}
        Err(error) => return HandOver::Failed(error.to_string()),
    }
    let pid = bus.get_connection_unix_process_id(bus_name).ok();
    let argv: Vec<String> = std::env::args_os()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let cwd = std::env::current_dir().unwrap_or_default();
    let answer = connection.call_method(
        Some(name.as_str()),
        path.as_str(),
        Some("org.SingleInstance.DBus"),
        "ExecuteCallback",
        &(argv, cwd.to_string_lossy().as_ref()),
    );
    match answer {
        Ok(_) => HandOver::Done,
        Err(zbus::Error::InputOutput(error)) if error.kind() == std::io::ErrorKind::TimedOut => {
            HandOver::NotAnswering(pid)
        }
        Err(error) => HandOver::Failed(error.to_string()),
    }
}

/// Elsewhere the plugin's own hand-over (not over D-Bus) is the only one.
#[cfg(not(target_os = "linux"))]
pub fn hand_over_to_running(_home: &Path, _namespace: &str) -> HandOver {
    HandOver::NoInstance
}

/// The single-instance plugin for the instance of `home` and `namespace`.
pub fn plugin<R: Runtime>(home: &Path, namespace: &str) -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(bus_id(home, namespace))
        .callback(|app, argv, _cwd| hand_over(app, &argv))
        .build()
}

/// `dev.authdeck.desktop.i<digest>`: the bus name's elements allow only `[A-Za-z0-9_-]` and none
/// may start with a digit, hence the hex digest behind a letter. 64 bits of SHA-256 keep two
/// folders apart; the name stays far below the bus's 255-character limit.
fn bus_id(home: &Path, namespace: &str) -> String {
    // the same folder reached by another path (relative, through a link) is the same instance
    let home = std::fs::canonicalize(home)
        .or_else(|_| std::path::absolute(home))
        .unwrap_or_else(|_| home.to_owned());
    format!(
        "dev.authdeck.desktop.i{}",
        authdeck_core::store_tag(&home, namespace)
    )
}

/// An app to show, and what to do on it.
pub type Open = (AppId, Option<OpenAction>);

/// An app to show that a launch (`--open APP`), a notification or the tray asked for, until the
/// UI takes it.
#[derive(Default)]
pub struct OpenRequest(Mutex<Option<Open>>);

impl OpenRequest {
    /// Remembers `open` as the app to show, replacing an earlier request not yet shown.
    pub fn set(&self, open: Open) {
        if let Ok(mut pending) = self.0.lock() {
            *pending = Some(open);
        }
    }

    /// The app to show, once.
    pub fn take(&self) -> Option<Open> {
        self.0.lock().ok().and_then(|mut pending| pending.take())
    }
}

/// Runs in the first instance when another launch hands over: the window comes forward and an
/// `--open APP` among the arguments (the first is the program) is passed on to the UI.
fn hand_over<R: Runtime>(app: &AppHandle<R>, argv: &[String]) {
    let open = crate::Launch::parse(argv.iter().skip(1).cloned())
        .ok()
        .and_then(|launch| launch.open);
    bring_forward(app, open.map(|id| (id, None)));
}

/// Brings the window forward, on `open` when given (a hand-over, a notification's click, the
/// tray).
pub fn bring_forward<R: Runtime>(app: &AppHandle<R>, open: Option<Open>) {
    if let Some(open) = open {
        app.state::<OpenRequest>().set(open);
        let _ = app.emit(OPEN_REQUESTED, ());
    }
    if let Some(window) = app.get_webview_window("main") {
        let hidden = !window.is_visible().unwrap_or(true);
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        if hidden {
            crate::tray::rebuild_soon(app); // its Show window is Hide window now
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_data_folder_and_namespace_is_its_own_instance() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let id = bus_id(a.path(), "authdeck");
        assert_eq!(id, bus_id(a.path(), "authdeck"));
        assert_ne!(id, bus_id(b.path(), "authdeck"));
        assert_ne!(id, bus_id(a.path(), "authdeck-demo"));
        // the same folder through a trailing `.` is the same instance
        assert_eq!(id, bus_id(&a.path().join("."), "authdeck"));
    }

    #[test]
    fn the_id_is_a_valid_bus_name_and_object_path() {
        let id = bus_id(Path::new("/no such folder/ü"), "a b");
        assert!(id.starts_with("dev.authdeck.desktop.i"), "{id}");
        assert_eq!(id.len(), "dev.authdeck.desktop.i".len() + 16);
        let last = id.rsplit('.').next().unwrap();
        assert!(
            last.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
    }
}
