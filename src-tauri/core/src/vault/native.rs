//! The keychain on macOS (Keychain) and Windows (Credential Manager), through keyring-core's
//! native stores.

use crate::error::{Error, Result};
use crate::model::Secret;
use keyring_core::{CredentialStore, Entry};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The operating system's keychain (Keychain on macOS, Credential Manager on Windows) through
/// keyring-core.
pub struct KeychainVault {
    namespace: String,
    // Connected on first use, so the app starts (and shows a clear error) without a keychain.
    store: Mutex<Option<Arc<CredentialStore>>>,
}

impl KeychainVault {
    /// A vault for entries in `namespace`.
    pub fn new(namespace: &str) -> Self {
        Self {
            namespace: namespace.to_owned(),
            store: Mutex::new(None),
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

    fn entry(&self, account: &str) -> Result<Entry> {
        self.store()?
            .build(&self.namespace, account, None)
            .map_err(|error| keychain_error(error, "open"))
    }
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

impl super::SecretStore for KeychainVault {
    fn put(&self, account: &str, value: &Secret) -> Result<()> {
        super::check_size(value)?;
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

    fn connect(&self) -> Result<()> {
        self.store()?;
        Ok(())
    }

    fn is_locked(&self, _account: &str) -> Result<bool> {
        Err(Error::KeychainUnavailable(
            "This system's keychain offers no lock check to Authdeck yet.".into(),
        ))
    }
}
