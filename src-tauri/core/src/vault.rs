//! Where secret values live: the operating system's keychain, and nowhere else.
//!
//! Entries are named `service = <namespace>`, `user = <account>`. The namespace keeps debug
//! builds and tests away from the release build's entries.

use crate::error::{Error, Result};
use crate::model::Secret;

/// A store of secret values by account name, within one namespace.
pub trait SecretStore: Send + Sync {
    /// Stores or replaces a value.
    fn put(&self, account: &str, value: &Secret) -> Result<()>;
    /// Reads a value; `Error::SecretMissing` when there is none.
    fn get(&self, account: &str) -> Result<Secret>;
    /// Removes a value; succeeds when there was none.
    fn delete(&self, account: &str) -> Result<()>;
    /// Every account stored in this namespace (for consistency checks).
    fn accounts(&self) -> Result<Vec<String>>;
    /// Whether the entry of `account` is locked now, by one cheap call that reads no value (the
    /// agent asks before it hands on a value it holds); `Error::SecretMissing` when there is no
    /// such entry, an error where the platform offers no such check.
    fn is_locked(&self, account: &str) -> Result<bool>;
    /// Connects now rather than at first use, so a long-lived holder (the agent) pays the
    /// connection's cost (a key exchange) before its first answer, and finds out at once when
    /// there is no keychain.
    fn connect(&self) -> Result<()> {
        Ok(())
    }
}

/// The largest value, in UTF-8 bytes, this platform's keychain takes. Windows' credential
/// manager stores at most 2560 bytes of UTF-16; elsewhere there is no hard limit, so a generous
/// bound keeps a mistaken paste (a whole file) out of the keychain.
#[cfg(target_os = "windows")]
pub const MAX_SECRET_BYTES: usize = 1280;
/// The largest value, in UTF-8 bytes, this platform's keychain takes.
#[cfg(not(target_os = "windows"))]
pub const MAX_SECRET_BYTES: usize = 16 * 1024;

/// The environment variable that overrides the keychain namespace (tests, side-by-side installs).
pub const NAMESPACE_VARIABLE: &str = "AUTHDECK_KEYCHAIN_NAMESPACE";

/// The namespace of this build: `AUTHDECK_KEYCHAIN_NAMESPACE` when set, else `authdeck` for
/// release builds and `authdeck-dev` for debug builds.
pub fn default_namespace() -> String {
    match std::env::var(NAMESPACE_VARIABLE) {
        Ok(value) if !value.trim().is_empty() => value.trim().to_owned(),
        _ if cfg!(debug_assertions) => "authdeck-dev".to_owned(),
        _ => "authdeck".to_owned(),
    }
}

/// Refuses values the keychain cannot hold, before anything is written.
pub fn check_size(value: &Secret) -> Result<()> {
    let len = value.expose().len();
    if len == 0 {
        return Err(Error::invalid("value", "The secret is empty."));
    }
    if len > MAX_SECRET_BYTES {
        return Err(Error::invalid(
            "value",
            format!(
                "The secret is {len} bytes long; the keychain on this system holds at most \
                 {MAX_SECRET_BYTES}. Check that you pasted only the secret."
            ),
        ));
    }
    Ok(())
}

// Linux: the Secret Service called directly, each operation with the fewest D-Bus messages.
#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub use linux::KeychainVault;
// macOS and Windows: keyring-core's native stores.
#[cfg(not(target_os = "linux"))]
mod native;
#[cfg(not(target_os = "linux"))]
pub use native::KeychainVault;

/// An in-memory vault for unit tests of the logic above the keychain; never used by the product.
#[cfg(test)]
#[derive(Default)]
pub struct MemoryVault {
    pub entries: std::sync::Mutex<std::collections::BTreeMap<String, Secret>>,
    /// What `is_locked` answers.
    pub locked: std::sync::atomic::AtomicBool,
}

#[cfg(test)]
impl SecretStore for MemoryVault {
    fn put(&self, account: &str, value: &Secret) -> Result<()> {
        check_size(value)?;
        self.entries
            .lock()
            .unwrap()
            .insert(account.to_owned(), value.clone());
        Ok(())
    }

    fn get(&self, account: &str) -> Result<Secret> {
        self.entries
            .lock()
            .unwrap()
            .get(account)
            .cloned()
            .ok_or_else(|| Error::SecretMissing("missing".into()))
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.entries.lock().unwrap().remove(account);
        Ok(())
    }

    fn accounts(&self) -> Result<Vec<String>> {
        Ok(self.entries.lock().unwrap().keys().cloned().collect())
    }

    fn is_locked(&self, account: &str) -> Result<bool> {
        self.get(account)?;
        Ok(self.locked.load(std::sync::atomic::Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_are_refused() {
        let error = check_size(&Secret::new("")).unwrap_err();
        assert_eq!(error.to_string(), "The secret is empty.");
    }
}
