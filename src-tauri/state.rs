//! What the shell holds: the core facade, or why it could not be opened.
//!
//! The store is opened on a thread of its own while the window and its webview are made
//! (issue 14: the window need not wait for it). Opening is what it always was: the whole-file
//! check (`quick_check`), then the migrations and the reconciler, so nothing is written to a
//! damaged file; every command that needs the core waits until that is done.

use crate::Mode;
use crate::demo::{self, DemoServer};
use crate::ipc::{AppInfo, IpcError};
use authdeck_core::audit::Actor;
use authdeck_core::vault::{KeychainVault, default_namespace};
use authdeck_core::{Core, SystemClock};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// What opening gives: the core, or the error that kept it from opening.
type Opened = Result<Core, IpcError>;

/// The opened core, shared (the agent's thread holds it too), or why it did not open.
type Kept = Result<Arc<Core>, IpcError>;

/// The opened core; when opening failed (a database from a newer version, a damaged file) the
/// app still starts and every command answers with that error, so the user can read it.
pub struct AppState {
    /// Set once, by the thread that opens the store (`open_in_background`).
    core: Arc<OnceLock<Kept>>,
    data_dir: PathBuf,
    namespace: String,
    /// The demo's server, kept for the app's lifetime (None outside demo mode).
    demo: Option<DemoServer>,
}

impl AppState {
    /// The data folder and keychain namespace of `mode`, before anything is opened (the
    /// single-instance check needs them first). A folder that cannot be found is an empty
    /// path here; opening then reports why.
    pub fn location(mode: Mode) -> (Result<PathBuf, IpcError>, String) {
        let (home, namespace) = match mode {
            Mode::Normal => (authdeck_core::default_home(), default_namespace()),
            Mode::Demo => (authdeck_core::demo_home(), demo::DEMO_NAMESPACE.to_owned()),
        };
        (home.map_err(IpcError::from), namespace)
    }

    /// The state of the store in `home` with the keychain vault of `namespace`, and how to
    /// open it (`open_in_background` runs that).
    pub fn normal(home: Result<PathBuf, IpcError>, namespace: String) -> (Self, Opening) {
        let (data_dir, opening) = match home {
            Ok(home) => {
                let vault = Arc::new(KeychainVault::new(&namespace));
                let dir = home.clone();
                let open: Opening = Box::new(move || {
                    Core::open_as(Actor::Desktop, &home, vault, Arc::new(SystemClock))
                        .map_err(IpcError::from)
                });
                (dir, open)
            }
            Err(error) => (PathBuf::new(), failed(error)),
        };
        let state = Self {
            core: Arc::default(),
            data_dir,
            namespace,
            demo: None,
        };
        (state, opening)
    }

    /// Demo mode: the demo's own data folder and keychain namespace, freshly seeded for the
    /// running demo server when opened.
    pub fn demo(home: Result<PathBuf, IpcError>, server: DemoServer) -> (Self, Opening) {
        let (data_dir, opening) = match home {
            Ok(home) => {
                let dir = home.clone();
                let issuer = server.issuer.clone();
                let open: Opening =
                    Box::new(move || demo::prepare(&home, &issuer).map_err(IpcError::from));
                (dir, open)
            }
            Err(error) => (PathBuf::new(), failed(error)),
        };
        let state = Self {
            core: Arc::default(),
            data_dir,
            namespace: demo::DEMO_NAMESPACE.to_owned(),
            demo: Some(server),
        };
        (state, opening)
    }

    /// Runs `opening` on a thread of its own and keeps what it gives; then runs `then` on that
    /// thread (the start-up mark). Returns at once.
    pub fn open_in_background(&self, opening: Opening, then: impl FnOnce() + Send + 'static) {
        let core = Arc::clone(&self.core);
        let spawned = std::thread::Builder::new()
            .name("store-open".into())
            .spawn(move || {
                // only this thread sets it, once
                let _ = core.set(opening().map(Arc::new));
                then();
            });
        if let Err(error) = spawned {
            // nothing was opened: the commands say why rather than wait for ever
            let _ = self.core.set(Err(authdeck_core::Error::Internal(format!(
                "Could not start opening the store: {error}"
            ))
            .into()));
        }
    }

    /// The core, or the error that kept it from opening; waits while the store is opening.
    pub fn core(&self) -> Result<&Core, IpcError> {
        self.shared_core().map(|core| &**core)
    }

    /// The core as the agent's thread holds it; waits while the store is opening.
    pub fn shared_core(&self) -> Result<&Arc<Core>, IpcError> {
        self.core.wait().as_ref().map_err(|error| IpcError {
            code: error.code,
            message: error.message.clone(),
            field: None,
            conflicts: None,
        })
    }

    /// The keychain namespace of this app's tokens.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Version, data folder and keychain namespace for the About section.
    pub fn info(&self) -> AppInfo {
        AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            data_dir: self.data_dir.display().to_string(),
            keychain_namespace: self.namespace.clone(),
            debug_build: cfg!(debug_assertions),
            demo_issuer: self.demo.as_ref().map(|server| server.issuer.clone()),
        }
    }
}

/// Opens the store (the whole-file check, migrations, reconciler) when run.
pub type Opening = Box<dyn FnOnce() -> Opened + Send>;

/// An opening that gives `error` (no data folder could be found).
fn failed(error: IpcError) -> Opening {
    Box::new(move || Err(error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use authdeck_core::ErrorCode;
    use std::sync::mpsc;
    use std::time::Duration;

    fn refused(message: &str) -> Opened {
        Err(authdeck_core::Error::Store(message.to_owned()).into())
    }

    #[test]
    fn the_store_opens_on_its_own_thread_and_a_command_waits_for_it() {
        let (state, _) = AppState::normal(Ok(PathBuf::from("/nowhere")), "ns".into());
        let (release, released) = mpsc::channel::<()>();
        let (marked, was_marked) = mpsc::channel::<()>();
        let opening: Opening = Box::new(move || {
            released.recv().unwrap();
            refused("opened after the release")
        });
        state.open_in_background(opening, move || marked.send(()).unwrap());
        // returned while the opening is still held: the window is made meanwhile
        assert!(state.core.get().is_none());
        std::thread::scope(|scope| {
            let command = scope.spawn(|| state.core().map(|_| ()).unwrap_err().message);
            std::thread::sleep(Duration::from_millis(50));
            assert!(!command.is_finished(), "the command waits for the store");
            release.send(()).unwrap();
            assert_eq!(command.join().unwrap(), "opened after the release");
        });
        was_marked
            .recv_timeout(Duration::from_secs(5))
            .expect("the mark follows the opening");
    }

    #[test]
    fn a_damaged_store_opened_in_the_background_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(authdeck_core::DATABASE_FILE);
        let damaged = b"SQLite format 3\0 and then nothing a database holds".to_vec();
        std::fs::write(&path, &damaged).unwrap();
        let (state, opening) = AppState::normal(Ok(dir.path().to_owned()), "ns".into());
        state.open_in_background(opening, || ());
        let error = state.core().map(|_| ()).unwrap_err();
        assert_eq!(error.code, ErrorCode::StoreCorrupt);
        assert!(error.message.contains("is damaged"), "{}", error.message);
        assert_eq!(std::fs::read(&path).unwrap(), damaged);
        // every later command gets the same error
        assert_eq!(
            state.core().map(|_| ()).unwrap_err().code,
            ErrorCode::StoreCorrupt
        );
    }
}
