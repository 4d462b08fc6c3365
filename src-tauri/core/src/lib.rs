//! Authdeck's core: the domain, the store, the keychain vault and the OAuth flows.
//! The desktop shell and the CLI both go through [`Core`]; nothing here knows about either.

#[cfg(unix)]
pub mod agent;
pub mod audit;
pub mod client_cert;
mod clock;
pub mod error;
pub mod facade;
pub mod flows;
mod folder;
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
pub mod loopback;
pub mod model;
pub mod portable;
pub mod profile;
pub mod signing_key;
pub mod status;
mod store;
pub mod team;
#[cfg(test)]
mod test_server;
mod tls;
pub mod validate;
pub mod vault;

pub use error::{Error, ErrorCode, Result};
pub use facade::{
    AddedCert, AppSwitches, Clock, Core, DEFAULT_LOGIN_TIMEOUT, ExchangeFailure, ExchangePart,
    ExchangeRequest, Fetch, LoginOptions, PendingDeviceLogin, PendingLogin, PendingTeamSignIn,
    RECONCILE_AFTER_SECONDS, Reconciled, SecretHome, SecretPermissions, SecretStateSet, SecretUse,
    SystemClock, TeamPermission, TeamPermissions, TeamSignInFor, TeamSignInStarted,
    id_token_account, open_in_browser, refresh_account, registration_account, secret_account,
    token_account,
};
pub use store::DATABASE_FILE;

use std::path::PathBuf;

/// The environment variable that points Authdeck at another data folder (tests, portable use).
pub const HOME_VARIABLE: &str = "AUTHDECK_HOME";

/// The data folder: `AUTHDECK_HOME` when set, else the platform's conventional place
/// (`~/.local/share/authdeck` on Linux, `~/Library/Application Support/dev.authdeck.Authdeck`
/// on macOS, `%APPDATA%\authdeck\Authdeck\data` on Windows).
pub fn default_home() -> Result<PathBuf> {
    if let Some(home) = std::env::var_os(HOME_VARIABLE).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    directories::ProjectDirs::from("dev", "authdeck", "Authdeck")
        .map(|dirs| dirs.data_dir().to_owned())
        .ok_or_else(|| {
            Error::Store(format!(
                "No home folder was found for the data folder; set {HOME_VARIABLE}."
            ))
        })
}

/// 16 hex digits (64 bits of SHA-256) naming one store, a data folder as spelled (callers
/// resolve links first) with a keychain namespace: what there is one of per store is named by
/// it (the agent's socket, the desktop app's single-instance bus name).
pub fn store_tag(home: &std::path::Path, namespace: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut digest = Sha256::new();
    digest.update(home.as_os_str().as_encoded_bytes());
    digest.update([0]);
    digest.update(namespace.as_bytes());
    digest.finalize()[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The environment variable that points demo mode at another data folder (tests).
pub const DEMO_HOME_VARIABLE: &str = "AUTHDECK_DEMO_HOME";

/// Demo mode's own data folder, never the user's: `AUTHDECK_DEMO_HOME` when set, else a
/// sibling of the platform's data folder (`~/.local/share/authdeck-demo` on Linux).
pub fn demo_home() -> Result<PathBuf> {
    if let Some(home) = std::env::var_os(DEMO_HOME_VARIABLE).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    directories::ProjectDirs::from("dev", "authdeck", "Authdeck-demo")
        .map(|dirs| dirs.data_dir().to_owned())
        .ok_or_else(|| {
            Error::Store(format!(
                "No home folder was found for the demo's data folder; set {DEMO_HOME_VARIABLE}."
            ))
        })
}
