//! The Linux keychain: the Secret Service (GNOME Keyring, KWallet, KeePassXC) on the session
//! D-Bus, spoken directly on one zbus connection with one encrypted session.
//!
//! Why not keyring-core's Secret Service store: it searches before every write, reads the
//! default collection's alias and lock state, and asks an item's lock state that the search
//! has already answered, so a renewed token took 11 method calls. Here each operation sends
//! only what it needs, and a renewed token takes 7: a write is one `CreateItem` with `replace`
//! on the default collection's alias path, a read a search and `GetSecret`, a delete a search
//! and `Delete`. Entries keep keyring-core's layout (attributes `service` and
//! `username`, label `keyring:<user>@<service>`, the default collection), so entries written by
//! earlier versions are read, replaced and deleted the same way.
//!
//! Why not the `secret-service` crate (which this module used until the session's cost was
//! measured): its session's key agreement took about 27 million instructions per process, and
//! its session type is private, so it could not be replaced. The session's encryption is in
//! `session` (crypto-bigint's constant-time Montgomery exponentiation, HKDF-SHA256,
//! AES-128-CBC); the method calls below are the Secret Service API's, with the same arguments
//! that crate sent.

mod session;

use crate::error::{Error, Result};
use crate::model::Secret;
use session::{KeyPair, SessionKey};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use zbus::zvariant::{self, ObjectPath, OwnedObjectPath, OwnedValue, Value};

/// The Secret Service's bus name.
const BUS_NAME: &str = "org.freedesktop.secrets";
/// The service object and its interface.
const SERVICE_PATH: &str = "/org/freedesktop/secrets";
const SERVICE: &str = "org.freedesktop.Secret.Service";
const COLLECTION: &str = "org.freedesktop.Secret.Collection";
const ITEM: &str = "org.freedesktop.Secret.Item";
const PROMPT: &str = "org.freedesktop.Secret.Prompt";
/// The default collection by its alias path (Secret Service API, "Collection aliases"): a write
/// needs no `ReadAlias` round trip first.
const DEFAULT_COLLECTION: &str = "/org/freedesktop/secrets/aliases/default";
/// What keyring-core's store gave every value; kept so entries look the same to other tools.
const CONTENT_TYPE: &str = "application/octet-stream";

/// Why a Secret Service call failed; shown as the `secret-service` crate showed its errors, so
/// the messages built on them read as before.
#[derive(Debug)]
enum ServiceError {
    Zbus(zbus::Error),
    /// A value that could not be encrypted or decrypted (the message says why).
    Crypto(Error),
    /// The service asked for a prompt and the user dismissed it.
    Prompt,
    /// The connection closed before the prompt completed.
    PromptDisconnected,
    /// The service has no default collection.
    NoResult,
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Zbus(error) => write!(f, "zbus error: {error}"),
            Self::Crypto(error) => write!(f, "Crypto error: {error}"),
            Self::Prompt => f.write_str("SS error: prompt dismissed"),
            Self::PromptDisconnected => {
                f.write_str("SS error: connection closed before prompt completed")
            }
            Self::NoResult => f.write_str("SS error: result not returned from SS API"),
        }
    }
}

impl From<zbus::Error> for ServiceError {
    fn from(error: zbus::Error) -> Self {
        Self::Zbus(error)
    }
}

impl From<zvariant::Error> for ServiceError {
    fn from(error: zvariant::Error) -> Self {
        Self::Zbus(zbus::Error::Variant(error))
    }
}

type Call<T> = std::result::Result<T, ServiceError>;

/// A Secret as the Secret Service API carries it, `(oayays)`: the session, the parameters (the
/// IV), the value (encrypted) and its content type.
type WireSecret = (OwnedObjectPath, Vec<u8>, Vec<u8>, String);

/// A connection to the Secret Service with its encrypted session, made on first use.
struct Connected {
    bus: zbus::blocking::Connection,
    session: OwnedObjectPath,
    key: SessionKey,
}

impl Connected {
    /// Calls `method` of `interface` on the service's object `path`; its reply's body.
    fn call<B, R>(&self, path: &str, interface: &str, method: &str, body: &B) -> Call<R>
    where
        B: serde::Serialize + zvariant::DynamicType,
        R: for<'d> serde::Deserialize<'d> + zvariant::Type,
    {
        call(&self.bus, path, interface, method, body)
    }

    /// `SearchItems`: the unlocked and the locked items with these attributes.
    fn search(
        &self,
        attributes: &HashMap<&str, &str>,
    ) -> Call<(Vec<OwnedObjectPath>, Vec<OwnedObjectPath>)> {
        self.call(SERVICE_PATH, SERVICE, "SearchItems", &(attributes,))
    }

    /// `Unlock` of `objects`, with the service's prompt when it asks for one.
    fn unlock(&self, objects: &[&ObjectPath<'_>]) -> Call<()> {
        let (unlocked, prompt): (Vec<OwnedObjectPath>, OwnedObjectPath) =
            self.call(SERVICE_PATH, SERVICE, "Unlock", &(objects,))?;
        if unlocked.is_empty() {
            self.prompt(&prompt)?;
        }
        Ok(())
    }

    /// Runs the service's prompt at `path` (the service shows it) and waits for its
    /// `Completed` signal: its result, or `Prompt` when the user dismissed it.
    fn prompt(&self, path: &ObjectPath<'_>) -> Call<OwnedValue> {
        let proxy: zbus::blocking::Proxy<'_> = zbus::blocking::proxy::Builder::new(&self.bus)
            .destination(BUS_NAME)?
            .path(path.to_owned())?
            .interface(PROMPT)?
            .cache_properties(zbus::proxy::CacheProperties::No)
            .build()?;
        let mut completed = proxy.receive_signal("Completed")?;
        proxy.call_method("Prompt", &("",))?;
        let signal = completed.next().ok_or(ServiceError::PromptDisconnected)?;
        let (dismissed, result): (bool, OwnedValue) = signal.body().deserialize()?;
        if dismissed {
            Err(ServiceError::Prompt)
        } else {
            Ok(result)
        }
    }

    /// `CreateItem` in the collection at `collection`, replacing an item with the same
    /// attributes when `replace`.
    fn create_item(
        &self,
        collection: &str,
        label: &str,
        attributes: &HashMap<&str, &str>,
        value: &[u8],
    ) -> Call<()> {
        let (iv, encrypted) = self.key.encrypt(value).map_err(ServiceError::Crypto)?;
        let secret: WireSecret = (
            self.session.clone(),
            iv.to_vec(),
            encrypted,
            CONTENT_TYPE.to_owned(),
        );
        let properties: HashMap<&str, Value<'_>> = HashMap::from([
            ("org.freedesktop.Secret.Item.Label", Value::from(label)),
            (
                "org.freedesktop.Secret.Item.Attributes",
                Value::from(zvariant::Dict::from(attributes.clone())),
            ),
        ]);
        // replace: the entry with the same attributes, if there is one
        let (item, prompt): (OwnedObjectPath, OwnedObjectPath) = self.call(
            collection,
            COLLECTION,
            "CreateItem",
            &(properties, &secret, true),
        )?;
        if item.as_str() == "/" {
            self.prompt(&prompt)?;
        }
        Ok(())
    }

    /// `GetSecret` of the item at `path`, decrypted.
    fn get_secret(&self, path: &ObjectPath<'_>) -> Call<zeroize::Zeroizing<Vec<u8>>> {
        let ((_, iv, encrypted, _),): (WireSecret,) =
            self.call(path, ITEM, "GetSecret", &(&self.session,))?;
        self.key
            .decrypt(&iv, &encrypted)
            .map_err(ServiceError::Crypto)
    }

    /// The item's `Attributes` property.
    fn attributes(&self, path: &ObjectPath<'_>) -> Call<HashMap<String, String>> {
        let (value,): (OwnedValue,) = self.call(
            path,
            "org.freedesktop.DBus.Properties",
            "Get",
            &(ITEM, "Attributes"),
        )?;
        Ok(HashMap::try_from(value)?)
    }
}

/// Calls `method` of `interface` on the service's object `path` over `bus`.
fn call<B, R>(
    bus: &zbus::blocking::Connection,
    path: &str,
    interface: &str,
    method: &str,
    body: &B,
) -> Call<R>
where
    B: serde::Serialize + zvariant::DynamicType,
    R: for<'d> serde::Deserialize<'d> + zvariant::Type,
{
    let reply = bus.call_method(Some(BUS_NAME), path, Some(interface), method, body)?;
    Ok(reply.body().deserialize()?)
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
    fn find(&self, connected: &Connected, account: &str) -> Result<Option<OwnedObjectPath>> {
        let (unlocked, locked) = connected
            .search(&attributes(&self.namespace, account))
            .map_err(|error| failure(error, "search"))?;
        let is_locked = !locked.is_empty();
        let mut items = unlocked;
        items.extend(locked);
        if items.len() > 1 {
            return Err(Error::Keychain(format!(
                "The keychain holds {} entries for {account} in {}; remove the extra ones \
                 (secret-tool search --all service {}) and try again.",
                items.len(),
                self.namespace,
                self.namespace
            )));
        }
        if is_locked {
            let refs: Vec<&ObjectPath<'_>> = items.iter().map(|item| &**item).collect();
            connected
                .unlock(&refs)
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
    let pair = KeyPair::generate()?;
    let (output, session): (OwnedValue, OwnedObjectPath) = call(
        &bus,
        SERVICE_PATH,
        SERVICE,
        "OpenSession",
        &(session::ALGORITHM, Value::from(pair.public_key())),
    )
    .map_err(|error| unavailable(&error))?;
    let service_public: Vec<u8> = output
        .try_into()
        .map_err(|error: zvariant::Error| unavailable(&ServiceError::from(error)))?;
    let key = pair.agree(&service_public)?;
    Ok(Connected { bus, session, key })
}

/// The D-Bus error name of a failed method call, if that is what `error` is.
fn method_error(error: &ServiceError) -> Option<&str> {
    match error {
        ServiceError::Zbus(zbus::Error::MethodError(name, _, _)) => Some(name.as_str()),
        ServiceError::Zbus(zbus::Error::FDO(fdo)) => match &**fdo {
            zbus::fdo::Error::UnknownObject(_) => Some("org.freedesktop.DBus.Error.UnknownObject"),
            _ => None,
        },
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
    method_error(error) == Some("org.freedesktop.Secret.Error.IsLocked")
}

/// Authdeck's error for a failed Secret Service call, by the kinds keyring-core's store told
/// apart (a locked keychain or a dismissed prompt is `KeychainLocked`).
fn failure(error: ServiceError, action: &str) -> Error {
    match error {
        ServiceError::Prompt | ServiceError::NoResult => Error::KeychainLocked(format!(
            "The keychain is locked or refused access ({error}). Unlock it and try again; \
             nothing was changed."
        )),
        // Its own message says what went wrong with the value.
        ServiceError::Crypto(error) => error,
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
        let attributes = attributes(&self.namespace, account);
        let value = value.expose().as_bytes();
        self.with(|connected| {
            let create = |path: &str| connected.create_item(path, &label, &attributes, value);
            match create(DEFAULT_COLLECTION) {
                Ok(()) => Ok(()),
                Err(error) if is_locked_error(&error) => {
                    // The service may ask the user to unlock it; then write again.
                    let alias = ObjectPath::from_static_str_unchecked(DEFAULT_COLLECTION);
                    connected
                        .unlock(&[&alias])
                        .and_then(|()| create(DEFAULT_COLLECTION))
                        .map_err(|error| failure(error, "write"))
                }
                Err(error) if is_gone(&error) => {
                    // A service without alias paths: ask where the default collection is.
                    let path: OwnedObjectPath = connected
                        .call(SERVICE_PATH, SERVICE, "ReadAlias", &("default",))
                        .and_then(|path: OwnedObjectPath| {
                            if path.as_str() == "/" {
                                Err(ServiceError::NoResult)
                            } else {
                                Ok(path)
                            }
                        })
                        .map_err(|error| failure(error, "find the default collection for"))?;
                    create(path.as_str()).map_err(|error| failure(error, "write"))
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
            let bytes = match connected.get_secret(&item) {
                Ok(bytes) => bytes,
                Err(error) if is_gone(&error) => return Err(missing()),
                Err(error) => return Err(failure(error, "read")),
            };
            std::str::from_utf8(&bytes).map(Secret::new).map_err(|_| {
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
            // deleted at once.
            let prompt: OwnedObjectPath = match connected.call(&item, ITEM, "Delete", &()) {
                Ok(prompt) => prompt,
                // Removed by someone else since the search: gone, as asked.
                Err(error) if is_gone(&error) => return Ok(()),
                Err(error) => return Err(failure(error, "delete")),
            };
            if prompt.as_str() == "/" {
                return Ok(());
            }
            // The service wants to ask the user first.
            connected
                .prompt(&prompt)
                .map(drop)
                .map_err(|error| failure(error, "delete"))
        })
    }

    fn accounts(&self) -> Result<Vec<String>> {
        self.with(|connected| {
            let (unlocked, locked) = connected
                .search(&HashMap::from([("service", self.namespace.as_str())]))
                .map_err(|error| failure(error, "search"))?;
            if !locked.is_empty() {
                let refs: Vec<&ObjectPath<'_>> = locked.iter().map(|item| &**item).collect();
                connected
                    .unlock(&refs)
                    .map_err(|error| failure(error, "unlock"))?;
            }
            let mut accounts = Vec::new();
            for item in unlocked.iter().chain(&locked) {
                let attributes = connected
                    .attributes(item)
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
            let (unlocked, locked) = connected
                .search(&attributes(&self.namespace, account))
                .map_err(|error| {
                    Error::KeychainUnavailable(format!(
                        "Could not check that the keychain is unlocked ({error})."
                    ))
                })?;
            match (locked.is_empty(), unlocked.is_empty()) {
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

    /// A namespace of this test's own in the keychain `.ci/with-keychain` started; fails loudly
    /// without one.
    fn namespace(test: &str) -> String {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "this test needs a keychain: run it under `bash .ci/with-keychain`"
        );
        format!("authdeck-unit-{test}-{}", std::process::id())
    }

    fn secret_tool(args: &[&str], stdin: Option<&str>) -> String {
        use std::io::Write;
        let mut child = std::process::Command::new("secret-tool")
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("secret-tool (libsecret-tools) is installed by .ci/install-deps");
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
        drop(input);
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "secret-tool {args:?}: {output:?}");
        String::from_utf8(output.stdout).unwrap()
    }

    #[test]
    fn values_cross_the_encrypted_session_both_ways_with_libsecret() {
        // libsecret (secret-tool) opens its own dh-ietf1024-sha256-aes128-cbc-pkcs7 session
        // with gnome-keyring: a value written here and read there, and the other way round,
        // proves the key agreement, HKDF and AES against an independent implementation.
        let namespace = namespace("libsecret");
        let vault = KeychainVault::new(&namespace);
        let written = "-client sécret ✓ with 17+ bytes";
        vault.put("secret:one", &Secret::new(written)).unwrap();
        let read = secret_tool(
            &["lookup", "service", &namespace, "username", "secret:one"],
            None,
        );
        assert_eq!(read, written);
        let found = secret_tool(
            &["search", "service", &namespace, "username", "secret:one"],
            None,
        );
        assert!(
            found.contains(&format!("label = keyring:secret:one@{namespace}")),
            "{found}"
        );

        let stored = "stored by libsecret, 0123456789abcdef";
        secret_tool(
            &[
                "store",
                "--label",
                "other",
                "service",
                &namespace,
                "username",
                "secret:two",
            ],
            Some(stored),
        );
        assert_eq!(vault.get("secret:two").unwrap().expose(), stored);
        // Replaced in place, one entry per account.
        vault.put("secret:two", &Secret::new("replaced")).unwrap();
        assert_eq!(vault.get("secret:two").unwrap().expose(), "replaced");
        assert_eq!(vault.accounts().unwrap(), ["secret:one", "secret:two"]);
        assert!(!vault.is_locked("secret:one").unwrap());

        vault.delete("secret:one").unwrap();
        vault.delete("secret:one").unwrap();
        let error = vault.get("secret:one").unwrap_err();
        assert!(matches!(error, Error::SecretMissing(_)), "{error}");
        vault.delete("secret:two").unwrap();
        assert!(vault.accounts().unwrap().is_empty());
    }

    #[test]
    fn a_second_vault_opens_its_own_session_and_reads_the_same_value() {
        let namespace = namespace("sessions");
        let first = KeychainVault::new(&namespace);
        first.put("token:x", &Secret::new("token-value")).unwrap();
        let second = KeychainVault::new(&namespace);
        second.connect().unwrap();
        let (one, two) = (first.slot().unwrap(), second.slot().unwrap());
        assert_ne!(one.as_ref().unwrap().session, two.as_ref().unwrap().session);
        drop((one, two));
        assert_eq!(second.get("token:x").unwrap().expose(), "token-value");
        second.delete("token:x").unwrap();
    }
}
