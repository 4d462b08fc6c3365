//! Where secret values live: the operating system's keychain, and nowhere else.
//!
//! Entries are named `service = <namespace>`, `user = <account>`. The namespace keeps debug
//! builds and tests away from the release build's entries.

use crate::error::{Error, Result};
use crate::model::Secret;
use keyring_core::{CredentialStore, Entry};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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

/// The operating system's keychain (Secret Service on Linux, Keychain on macOS, Credential
/// Manager on Windows) through keyring-core.
pub struct KeychainVault {
    namespace: String,
    // Connected on first use, so the app starts (and shows a clear error) without a keychain.
    store: Mutex<Option<Arc<CredentialStore>>>,
    // The lock check's own connection, also made on first use and then kept: keyring-core
    // does not share its store's.
    #[cfg(target_os = "linux")]
    lock_check: Mutex<Option<secret_service::blocking::SecretService<'static>>>,
}

impl KeychainVault {
    /// A vault for entries in `namespace`.
    pub fn new(namespace: &str) -> Self {
        Self {
            namespace: namespace.to_owned(),
            store: Mutex::new(None),
            #[cfg(target_os = "linux")]
            lock_check: Mutex::new(None),
        }
    }

    fn store(&self) -> Result<Arc<CredentialStore>> {
        let mut slot = self
            .store
            .lock()
            .map_err(|_| Error::Internal("The keychain connection was poisoned".into()))?;
        if let Some(store) = slot.as_ref() {
            return Ok(Arc::clone(store));
        }
        let store = platform_store()?;
        *slot = Some(Arc::clone(&store));
        Ok(store)
    }

    /// The lock check's connection, made on first use.
    #[cfg(target_os = "linux")]
    fn lock_check(
        &self,
    ) -> Result<std::sync::MutexGuard<'_, Option<secret_service::blocking::SecretService<'static>>>>
    {
        use secret_service::EncryptionType;
        use secret_service::blocking::SecretService;
        let mut slot = self
            .lock_check
            .lock()
            .map_err(|_| Error::Internal("The keychain connection was poisoned".into()))?;
        if slot.is_none() {
            // Plain: this connection never carries a secret, so no key exchange is needed.
            let service = SecretService::connect(EncryptionType::Plain).map_err(|error| {
                Error::KeychainUnavailable(format!(
                    "The Secret Service could not be reached to check that the keychain is \
                     unlocked ({error})."
                ))
            })?;
            *slot = Some(service);
        }
        Ok(slot)
    }

    fn entry(&self, account: &str) -> Result<Entry> {
        self.store()?
            .build(&self.namespace, account, None)
            .map_err(|error| keychain_error(error, "open"))
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<Arc<CredentialStore>> {
    let store = zbus_secret_service_keyring_store::Store::new().map_err(|error| {
        Error::KeychainUnavailable(format!(
            "No keychain is available: the Secret Service (GNOME Keyring, KWallet) could not be \
             reached on the session D-Bus ({error}). Start your desktop's keyring and try again; \
             nothing was saved."
        ))
    })?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<CredentialStore>> {
    let store = apple_native_keyring_store::keychain::Store::new().map_err(|error| {
        Error::KeychainUnavailable(format!(
            "The macOS Keychain is not available ({error}); nothing was saved."
        ))
    })?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<CredentialStore>> {
    let store = windows_native_keyring_store::Store::new().map_err(|error| {
        Error::KeychainUnavailable(format!(
            "The Windows Credential Manager is not available ({error}); nothing was saved."
        ))
    })?;
    Ok(store)
}

fn keychain_error(error: keyring_core::Error, action: &str) -> Error {
    use keyring_core::Error as K;
    match error {
        K::NoStorageAccess(cause) => Error::KeychainLocked(format!(
            "The keychain is locked or refused access ({cause}). Unlock it and try again; \
             nothing was changed."
        )),
        K::NoDefaultStore => Error::KeychainUnavailable(
            "No keychain is available on this system; nothing was changed.".into(),
        ),
        K::TooLong(what, limit) => Error::invalid(
            "value",
            format!("The keychain refused the {what}: it holds at most {limit} characters."),
        ),
        other => Error::Keychain(format!(
            "The keychain could not {action} the entry: {other}"
        )),
    }
}

impl SecretStore for KeychainVault {
    fn put(&self, account: &str, value: &Secret) -> Result<()> {
        check_size(value)?;
        self.entry(account)?
            .set_password(value.expose())
            .map_err(|error| keychain_error(error, "write"))
    }

    fn get(&self, account: &str) -> Result<Secret> {
        match self.entry(account)?.get_password() {
            Ok(value) => Ok(Secret::new(value)),
            Err(keyring_core::Error::NoEntry) => Err(Error::SecretMissing(
                "The keychain no longer holds this secret (it was removed outside Authdeck). \
                 Paste it again or delete this entry."
                    .into(),
            )),
            Err(error) => Err(keychain_error(error, "read")),
        }
    }

    fn delete(&self, account: &str) -> Result<()> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(error) => Err(keychain_error(error, "delete")),
        }
    }

    fn accounts(&self) -> Result<Vec<String>> {
        let spec = HashMap::from([("service", self.namespace.as_str())]);
        let entries = self
            .store()?
            .search(&spec)
            .map_err(|error| keychain_error(error, "search"))?;
        let mut accounts = Vec::new();
        for entry in entries {
            let attributes = entry
                .get_attributes()
                .map_err(|error| keychain_error(error, "read"))?;
            if let Some(user) = attributes.get("username") {
                accounts.push(user.clone());
            }
        }
        accounts.sort();
        Ok(accounts)
    }

    #[cfg(target_os = "linux")]
    fn is_locked(&self, account: &str) -> Result<bool> {
        let mut slot = self.lock_check()?;
        let service = slot.as_ref().expect("connected by lock_check");
        // One SearchItems call, by the attributes keyring-core's Secret Service store gives
        // an entry: the service answers which matching items are locked, and reads none.
        let attributes =
            HashMap::from([("service", self.namespace.as_str()), ("username", account)]);
        let found = service
            .search_items(attributes)
            .map(|found| (!found.locked.is_empty(), !found.unlocked.is_empty()));
        match found {
            Ok((true, _)) => Ok(true),
            Ok((false, true)) => Ok(false),
            Ok((false, false)) => Err(Error::SecretMissing(
                "The keychain no longer holds this entry.".into(),
            )),
            Err(error) => {
                // A broken connection is not kept: the next check connects again.
                *slot = None;
                Err(Error::KeychainUnavailable(format!(
                    "Could not check that the keychain is unlocked ({error})."
                )))
            }
        }
    }

    fn connect(&self) -> Result<()> {
        self.store()?;
        #[cfg(target_os = "linux")]
        drop(self.lock_check()?);
        Ok(())
    }

    #[cfg(not(target_os = "linux"))]
    fn is_locked(&self, _account: &str) -> Result<bool> {
        Err(Error::KeychainUnavailable(
            "This system's keychain offers no lock check to Authdeck yet.".into(),
        ))
    }
}

/// An in-memory vault for unit tests of the logic above the keychain; never used by the product.
#[cfg(test)]
#[derive(Default)]
pub struct MemoryVault {
    pub entries: Mutex<std::collections::BTreeMap<String, Secret>>,
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
    fn oversized_values_are_refused_before_the_keychain_is_touched() {
        // No D-Bus is needed: the size check runs before any connection is made.
        let vault = KeychainVault::new("authdeck-unit");
        let huge = Secret::new("x".repeat(MAX_SECRET_BYTES + 1));
        let error = vault.put("secret:x", &huge).unwrap_err();
        assert_eq!(error.code(), crate::ErrorCode::Validation);
        assert!(error.to_string().contains("at most"), "{error}");
        assert!(vault.store.lock().unwrap().is_none());
    }

    #[test]
    fn empty_values_are_refused() {
        let error = check_size(&Secret::new("")).unwrap_err();
        assert_eq!(error.to_string(), "The secret is empty.");
    }
}
