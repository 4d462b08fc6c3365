//! The Linux keychain: the Secret Service (GNOME Keyring, KWallet, KeePassXC) on the session
//! D-Bus, called through the `secret-service` crate on one connection with one encrypted
//! session.
//!
//! Why not keyring-core's Secret Service store: it searches before every write, reads the
//! default collection's alias and lock state, and asks an item's lock state that the search
//! has already answered, so a renewed token took 11 method calls. Here each operation sends
//! only what it needs, and a renewed token takes 7: a write is one `CreateItem` with `replace`
//! on the default collection's alias path, a read a search and `GetSecret`, a delete a search
//! and `Delete`. Entries keep keyring-core's layout (attributes `service` and
//! `username`, label `keyring:<user>@<service>`, the default collection), so entries written by
//! earlier versions are read, replaced and deleted the same way.

use crate::error::{Error, Result};
use crate::model::Secret;
use secret_service::blocking::{Item, SecretService};
use secret_service::{EncryptionType, Error as ServiceError};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use zbus::zvariant::{ObjectPath, OwnedObjectPath};

/// The Secret Service's bus name.
const BUS_NAME: &str = "org.freedesktop.secrets";
/// The default collection by its alias path (Secret Service API, "Collection aliases"): a write
/// needs no `ReadAlias` round trip first.
const DEFAULT_COLLECTION: &str = "/org/freedesktop/secrets/aliases/default";
/// What keyring-core's store gave every value; kept so entries look the same to other tools.
const CONTENT_TYPE: &str = "application/octet-stream";

/// A connection to the Secret Service with its encrypted session, made on first use.
struct Connected {
    bus: zbus::blocking::Connection,
    service: SecretService<'static>,
}

/// The keychain of one namespace on Linux.
pub struct KeychainVault {
    namespace: String,
    // Connected on first use, so the app starts (and shows a clear error) without a keychain;
    // dropped after a failed call, so the next call connects again (a restarted keyring daemon
    // does not know the old session).
    connection: Mutex<Option<Connected>>,
}

/// One entry's search attributes, as keyring-core's store set them.
fn attributes<'a>(namespace: &'a str, account: &'a str) -> HashMap<&'a str, &'a str> {
    HashMap::from([("service", namespace), ("username", account)])
}

impl KeychainVault {
    /// A vault for entries in `namespace`.
    pub fn new(namespace: &str) -> Self {
        Self {
            namespace: namespace.to_owned(),
            connection: Mutex::new(None),
        }
    }

    /// Runs `call` on the connection (made first when there is none); a failed call drops the
    /// connection.
    fn with<T>(&self, call: impl FnOnce(&Connected) -> Result<T>) -> Result<T> {
        let mut slot = self.slot()?;
        if slot.is_none() {
            *slot = Some(connect()?);
        }
        let result = call(slot.as_ref().expect("connected above"));
        if matches!(&result, Err(error) if !matches!(error, Error::SecretMissing(_))) {
            *slot = None;
        }
        result
    }

    fn slot(&self) -> Result<MutexGuard<'_, Option<Connected>>> {
        self.connection
            .lock()
            .map_err(|_| Error::Internal("The keychain connection was poisoned".into()))
    }

    /// The one entry of `account`: `None` when there is none; unlocked first (the service may
    /// ask the user) when the search found it locked.
    fn find<'a>(&self, connected: &'a Connected, account: &str) -> Result<Option<Item<'a>>> {
        let service = &connected.service;
        let found = service
            .search_items(attributes(&self.namespace, account))
            .map_err(|error| failure(error, "search"))?;
        let locked = !found.locked.is_empty();
        let mut items = found.unlocked;
        items.extend(found.locked);
        if items.len() > 1 {
            return Err(Error::Keychain(format!(
                "The keychain holds {} entries for {account} in {}; remove the extra ones \
                 (secret-tool search --all service {}) and try again.",
                items.len(),
                self.namespace,
                self.namespace
            )));
        }
        if locked {
            let refs: Vec<&Item> = items.iter().collect();
            service
                .unlock_all(&refs)
                .map_err(|error| failure(error, "unlock"))?;
        }
        Ok(items.pop())
    }
}

fn connect() -> Result<Connected> {
    let unavailable = |error: &dyn std::fmt::Display| {
        Error::KeychainUnavailable(format!(
            "No keychain is available: the Secret Service (GNOME Keyring, KWallet) could not be \
             reached on the session D-Bus ({error}). Start your desktop's keyring and try again; \
             nothing was saved."
        ))
    };
    let bus = zbus::blocking::Connection::session().map_err(|error| unavailable(&error))?;
    let service = SecretService::connect_with_existing(EncryptionType::Dh, bus.clone())
        .map_err(|error| unavailable(&error))?;
    Ok(Connected { bus, service })
}

/// The D-Bus error name of a failed method call, if that is what `error` is.
fn method_error(error: &ServiceError) -> Option<&str> {
    match error {
        ServiceError::Zbus(zbus::Error::MethodError(name, _, _)) => Some(name.as_str()),
        ServiceError::ZbusFdo(zbus::fdo::Error::UnknownObject(_)) => {
            Some("org.freedesktop.DBus.Error.UnknownObject")
        }
        _ => None,
    }
}

/// Whether a call failed because its item no longer exists: another program (or another
/// Authdeck process that replaced the token) removed it between the search and this call.
/// gnome-keyring answers `UnknownMethod` ("Object does not exist at path") for it.
fn is_gone(error: &ServiceError) -> bool {
    matches!(
        method_error(error),
        Some(
            "org.freedesktop.Secret.Error.NoSuchObject"
                | "org.freedesktop.DBus.Error.UnknownObject"
                | "org.freedesktop.DBus.Error.UnknownMethod"
        )
    )
}

fn is_locked_error(error: &ServiceError) -> bool {
    matches!(error, ServiceError::Locked)
        || method_error(error) == Some("org.freedesktop.Secret.Error.IsLocked")
}

/// Authdeck's error for a failed Secret Service call, by the kinds keyring-core's store told
/// apart (a locked keychain or a dismissed prompt is `KeychainLocked`).
fn failure(error: ServiceError, action: &str) -> Error {
    match error {
        ServiceError::Locked | ServiceError::Prompt | ServiceError::NoResult => {
            Error::KeychainLocked(format!(
                "The keychain is locked or refused access ({error}). Unlock it and try again; \
                 nothing was changed."
            ))
        }
        ServiceError::Unavailable => Error::KeychainUnavailable(
            "No keychain is available on this system; nothing was changed.".into(),
        ),
        other if is_locked_error(&other) => Error::KeychainLocked(format!(
            "The keychain is locked or refused access ({other}). Unlock it and try again; \
             nothing was changed."
        )),
        other => Error::Keychain(format!(
            "The keychain could not {action} the entry: {other}"
        )),
    }
}

impl super::SecretStore for KeychainVault {
    fn put(&self, account: &str, value: &Secret) -> Result<()> {
        super::check_size(value)?;
        let label = format!("keyring:{account}@{}", self.namespace);
        self.with(|connected| {
            let service = &connected.service;
            let create = |path: OwnedObjectPath| -> std::result::Result<(), ServiceError> {
                let collection = service.get_collection_by_path(path)?;
                collection.create_item(
                    &label,
                    attributes(&self.namespace, account),
                    value.expose().as_bytes(),
                    true, // replace the entry with the same attributes, if there is one
                    CONTENT_TYPE,
                )?;
                Ok(())
            };
            let alias =
                OwnedObjectPath::from(ObjectPath::from_static_str_unchecked(DEFAULT_COLLECTION));
            match create(alias.clone()) {
                Ok(()) => Ok(()),
                Err(error) if is_locked_error(&error) => {
                    // The service may ask the user to unlock it; then write again.
                    service
                        .get_collection_by_path(alias.clone())
                        .and_then(|collection| collection.unlock())
                        .and_then(|()| create(alias))
                        .map_err(|error| failure(error, "write"))
                }
                Err(error) if is_gone(&error) => {
                    // A service without alias paths: ask where the default collection is.
                    let path = service
                        .get_default_collection()
                        .map_err(|error| failure(error, "find the default collection for"))?
                        .collection_path;
                    create(path).map_err(|error| failure(error, "write"))
                }
                Err(error) => Err(failure(error, "write")),
            }
        })
    }

    fn get(&self, account: &str) -> Result<Secret> {
        let missing = || {
            Error::SecretMissing(
                "The keychain no longer holds this secret (it was removed outside Authdeck). \
                 Paste it again or delete this entry."
                    .into(),
            )
        };
        self.with(|connected| {
            let Some(item) = self.find(connected, account)? else {
                return Err(missing());
            };
            let bytes = match item.get_secret() {
                Ok(bytes) => bytes,
                Err(error) if is_gone(&error) => return Err(missing()),
                Err(error) => return Err(failure(error, "read")),
            };
            String::from_utf8(bytes).map(Secret::new).map_err(|_| {
                Error::Keychain(
                    "The keychain could not read the entry: its value is not UTF-8 text (it \
                     was changed outside Authdeck)."
                        .into(),
                )
            })
        })
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.with(|connected| {
            let Some(item) = self.find(connected, account)? else {
                return Ok(());
            };
            // The search told whether it was locked (and `find` unlocked it), so the item is
            // deleted at once, not after the crate's own lock check (one round trip fewer).
            let prompt: OwnedObjectPath = match connected
                .bus
                .call_method(
                    Some(BUS_NAME),
                    &item.item_path,
                    Some("org.freedesktop.Secret.Item"),
                    "Delete",
                    &(),
                )
                .and_then(|reply| reply.body().deserialize())
                .map_err(ServiceError::Zbus)
            {
                Ok(prompt) => prompt,
                // Removed by someone else since the search: gone, as asked.
                Err(error) if is_gone(&error) => return Ok(()),
                Err(error) => return Err(failure(error, "delete")),
            };
            if prompt.as_str() == "/" {
                return Ok(());
            }
            // The service wants to ask the user first: the crate runs its prompt.
            item.delete().map_err(|error| failure(error, "delete"))
        })
    }

    fn accounts(&self) -> Result<Vec<String>> {
        self.with(|connected| {
            let service = &connected.service;
            let found = service
                .search_items(HashMap::from([("service", self.namespace.as_str())]))
                .map_err(|error| failure(error, "search"))?;
            if !found.locked.is_empty() {
                let refs: Vec<&Item> = found.locked.iter().collect();
                service
                    .unlock_all(&refs)
                    .map_err(|error| failure(error, "unlock"))?;
            }
            let mut accounts = Vec::new();
            for item in found.unlocked.iter().chain(&found.locked) {
                let attributes = item
                    .get_attributes()
                    .map_err(|error| failure(error, "read"))?;
                if let Some(user) = attributes.get("username") {
                    accounts.push(user.clone());
                }
            }
            accounts.sort();
            Ok(accounts)
        })
    }

    fn is_locked(&self, account: &str) -> Result<bool> {
        self.with(|connected| {
            // One SearchItems call: the service answers which matching items are locked, and
            // reads none.
            let found = connected
                .service
                .search_items(attributes(&self.namespace, account))
                .map_err(|error| {
                    Error::KeychainUnavailable(format!(
                        "Could not check that the keychain is unlocked ({error})."
                    ))
                })?;
            match (found.locked.is_empty(), found.unlocked.is_empty()) {
                (false, _) => Ok(true),
                (true, false) => Ok(false),
                (true, true) => Err(Error::SecretMissing(
                    "The keychain no longer holds this entry.".into(),
                )),
            }
        })
    }

    fn connect(&self) -> Result<()> {
        self.with(|_| Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{MAX_SECRET_BYTES, SecretStore};

    #[test]
    fn oversized_values_are_refused_before_the_keychain_is_touched() {
        // No D-Bus is needed: the size check runs before any connection is made.
        let vault = KeychainVault::new("authdeck-unit");
        let huge = Secret::new("x".repeat(MAX_SECRET_BYTES + 1));
        let error = vault.put("secret:x", &huge).unwrap_err();
        assert_eq!(error.code(), crate::ErrorCode::Validation);
        assert!(error.to_string().contains("at most"), "{error}");
        assert!(vault.connection.lock().unwrap().is_none());
    }
}
