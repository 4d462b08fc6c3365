//! What the shell holds: the core facade, or why it could not be opened.

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
    /// Opens the store in the default data folder with the keychain vault.
    pub fn open() -> Self {
        let namespace = default_namespace();
        let (data_dir, core) = match authdeck_core::default_home() {
            Ok(home) => {
                let vault = Arc::new(KeychainVault::new(&namespace));
                let core = Core::open_as(Actor::Desktop, &home, vault, Arc::new(SystemClock));
                (home, core)
            }
            Err(error) => (PathBuf::new(), Err(error)),
        };
        Self {
            core: core.map_err(IpcError::from),
            data_dir,
            namespace,
            demo: None,
        }
    }

    /// Demo mode: the demo's own data folder and keychain namespace, freshly seeded for the
    /// running demo server.
    pub fn demo(server: DemoServer) -> Self {
        let (data_dir, core) = match authdeck_core::demo_home() {
            Ok(home) => {
                let core = demo::prepare(&home, &server.issuer);
                (home, core)
            }
            Err(error) => (PathBuf::new(), Err(error)),
        };
        Self {
            core: core.map_err(IpcError::from),
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
