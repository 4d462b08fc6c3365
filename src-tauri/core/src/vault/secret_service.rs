//! The keychain on Linux: the Secret Service (GNOME Keyring, KWallet, KeePassXC) on the
//! session D-Bus, through oo7.
//!
//! One connection and one encrypted session per process, made at first use and kept. Each
//! entry is an item of the default collection with the attributes `service` = the namespace and
//! `username` = the account: the ones Authdeck's earlier builds (keyring-core's Secret Service
//! store) gave their items, so entries written by them are found, and `secret-tool lookup
//! service NS username ACCOUNT` finds ours.
//!
//! Why oo7 rather than keyring-core's store: the session's key agreement. Both do the Secret
//! Service's `dh-ietf1024-sha256-aes128-cbc-pkcs7` exchange in pure Rust, but the crate under
//! keyring-core's store raises to a 1024-bit private exponent, about 27 M instructions (most
//! of a cached `authdeck token`), where oo7 uses a 128-bit one, as GNOME's own client does
//! (README, Performance). It also writes an entry in one call (CreateItem, replacing) where
//! keyring-core looks the item up first.

use super::{SecretStore, check_size};
use crate::error::{Error, Result};
use crate::model::Secret;
use futures_lite::future::block_on;
use oo7::dbus::{Collection, Error as DbusError, Item, Service, ServiceError};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// The operating system's keychain: the Secret Service on the session D-Bus.
pub struct KeychainVault {
    namespace: String,
    // Connected on first use, so the app starts (and shows a clear error) without a keychain.
    connection: Mutex<Option<Connection>>,
}

struct Connection {
    // The session the collection's calls use; kept open as long as the connection is.
    _service: Service<'static>,
    collection: Collection<'static>,
}

type Slot<'a> = MutexGuard<'a, Option<Connection>>;

impl KeychainVault {
    /// A vault for entries in `namespace`.
    pub fn new(namespace: &str) -> Self {
        Self {
            namespace: namespace.to_owned(),
            connection: Mutex::new(None),
        }
    }

    fn slot(&self) -> Result<Slot<'_>> {
        self.connection
            .lock()
            .map_err(|_| Error::Internal("The keychain connection was poisoned".into()))
    }

    /// The connection, made now when there is none.
    fn connected(&self) -> Result<Slot<'_>> {
        let mut slot = self.slot()?;
        if slot.is_none() {
            *slot = Some(block_on(connect())?);
        }
        Ok(slot)
    }

    fn attributes<'a>(&'a self, account: &'a str) -> HashMap<&'a str, &'a str> {
        HashMap::from([("service", self.namespace.as_str()), ("username", account)])
    }

    /// Runs `call` on the default collection. A locked collection is unlocked (the keyring's
    /// own prompt, as any Secret Service client does) and the call made once more; a
    /// connection that failed is dropped, so the next call connects again (a long-lived
    /// agent outlives a keyring restart).
    fn call<T>(
        &self,
        action: &str,
        call: impl AsyncFn(&Collection<'static>) -> std::result::Result<T, DbusError>,
    ) -> Result<T> {
        let mut slot = self.connected()?;
        let collection = &slot.as_ref().expect("connected above").collection;
        let first = block_on(call(collection));
        let answer = match first {
            Err(error) if is_locked(&error) => block_on(async {
                collection
                    .unlock(None)
                    .await
                    .map_err(|cause| locked(action, &cause))?;
                call(collection).await.map_err(|cause| {
                    if is_locked(&cause) {
                        locked(action, &cause)
                    } else {
                        failure(action, &cause)
                    }
                })
            }),
            other => other.map_err(|cause| failure(action, &cause)),
        };
        if let Err(Error::Keychain(_) | Error::KeychainUnavailable(_)) = &answer {
            *slot = None;
        }
        answer
    }

    /// The items of `account` (normally one).
    async fn items(
        &self,
        collection: &Collection<'static>,
        account: &str,
    ) -> std::result::Result<Vec<Item<'static>>, DbusError> {
        collection.search_items(&self.attributes(account)).await
    }
}

async fn connect() -> Result<Connection> {
    let unreachable = |error: DbusError| {
        Error::KeychainUnavailable(format!(
            "No keychain is available: the Secret Service (GNOME Keyring, KWallet) could not be \
             reached on the session D-Bus ({error}). Start your desktop's keyring and try again; \
             nothing was saved."
        ))
    };
    let service = Service::encrypted().await.map_err(unreachable)?;
    let collection = service.default_collection().await.map_err(unreachable)?;
    Ok(Connection {
        _service: service,
        collection,
    })
}

fn is_locked(error: &DbusError) -> bool {
    matches!(error, DbusError::Service(ServiceError::IsLocked(_)))
}

fn locked(action: &str, cause: &DbusError) -> Error {
    let cause = match cause {
        DbusError::Dismissed => "the unlock prompt was dismissed".to_owned(),
        other => other.to_string(),
    };
    Error::KeychainLocked(format!(
        "The keychain is locked or refused access ({cause}), so Authdeck could not {action} \
         the entry. Unlock it and try again; nothing was changed."
    ))
}

fn failure(action: &str, cause: &DbusError) -> Error {
    Error::Keychain(format!(
        "The keychain could not {action} the entry: {cause}"
    ))
}

impl SecretStore for KeychainVault {
    fn put(&self, account: &str, value: &Secret) -> Result<()> {
        check_size(value)?;
        let label = format!("Authdeck ({}): {account}", self.namespace);
        let attributes = self.attributes(account);
        // One call: CreateItem with `replace` swaps the value of an item with these attributes.
        self.call("write", async |collection| {
            let secret = oo7::Secret::text(value.expose());
            collection
                .create_item(&label, &attributes, secret, true, None)
                .await
                .map(drop)
        })
    }

    fn get(&self, account: &str) -> Result<Secret> {
        let value = self.call("read", async |collection| {
            match self.items(collection, account).await?.first() {
                Some(item) => item.secret().await.map(Some),
                None => Ok(None),
            }
        })?;
        let Some(value) = value else {
            return Err(Error::SecretMissing(
                "The keychain no longer holds this secret (it was removed outside Authdeck). \
                 Paste it again or delete this entry."
                    .into(),
            ));
        };
        // `value` wipes its bytes when dropped; the copy is a `Secret`, which does too.
        std::str::from_utf8(&value)
            .map(Secret::new)
            .map_err(|_| Error::Keychain("The keychain entry does not hold text.".into()))
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.call("delete", async |collection| {
            for item in self.items(collection, account).await? {
                item.delete(None).await?;
            }
            Ok(())
        })
    }

    fn accounts(&self) -> Result<Vec<String>> {
        let spec = HashMap::from([("service", self.namespace.as_str())]);
        let mut accounts = self.call("search", async |collection| {
            let mut accounts = Vec::new();
            for item in collection.search_items(&spec).await? {
                if let Some(user) = item.attributes().await?.remove("username") {
                    accounts.push(user);
                }
            }
            Ok(accounts)
        })?;
        accounts.sort();
        Ok(accounts)
    }

    fn is_locked(&self, account: &str) -> Result<bool> {
        let mut slot = self.connected()?;
        let collection = &slot.as_ref().expect("connected above").collection;
        // No unlock here: the agent asks so that it can stop serving, not to prompt.
        let found = block_on(async {
            let mut locked = None;
            for item in self.items(collection, account).await? {
                locked = Some(locked.unwrap_or(false) | item.is_locked().await?);
            }
            Ok::<_, DbusError>(locked)
        });
        match found {
            Ok(Some(locked)) => Ok(locked),
            Ok(None) => Err(Error::SecretMissing(
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
        self.connected().map(drop)
    }
}
