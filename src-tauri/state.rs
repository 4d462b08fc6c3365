//! What the shell holds: the core facade, or why it could not be opened.

use crate::Mode;
use crate::demo::{self, DemoServer};
use crate::ipc::{AppInfo, IpcError};
use authdeck_core::audit::Actor;
use authdeck_core::vault::{KeychainVault, default_namespace};
use authdeck_core::{Core, SystemClock};
use std::path::PathBuf;
use std::sync::Arc;

/// The opened core; when opening failed (a database from a newer version, a damaged file) the
/// app still starts and every command answers with that error, so the user can read it.
pub struct AppState {
    core: Result<Core, IpcError>,
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

    /// Opens the store in `home` with the keychain vault of `namespace`.
    pub fn open(home: Result<PathBuf, IpcError>, namespace: String) -> Self {
        let (data_dir, core) = match home {
            Ok(home) => {
                let vault = Arc::new(KeychainVault::new(&namespace));
                let core = Core::open_as(Actor::Desktop, &home, vault, Arc::new(SystemClock))
                    .map_err(IpcError::from);
                (home, core)
            }
            Err(error) => (PathBuf::new(), Err(error)),
        };
        Self {
            core,
            data_dir,
            namespace,
            demo: None,
        }
    }

    /// Demo mode: the demo's own data folder and keychain namespace, freshly seeded for the
    /// running demo server.
    pub fn demo(home: Result<PathBuf, IpcError>, server: DemoServer) -> Self {
        let (data_dir, core) = match home {
            Ok(home) => {
                let core = demo::prepare(&home, &server.issuer).map_err(IpcError::from);
                (home, core)
            }
            Err(error) => (PathBuf::new(), Err(error)),
        };
        Self {
            core,
            data_dir,
            namespace: demo::DEMO_NAMESPACE.to_owned(),
            demo: Some(server),
        }
    }

    /// The core, or the error that kept it from opening.
    pub fn core(&self) -> Result<&Core, IpcError> {
        self.core.as_ref().map_err(|error| IpcError {
            code: error.code,
            message: error.message.clone(),
            field: None,
            conflicts: None,
        })
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
