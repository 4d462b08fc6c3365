//! The one surface the desktop shell and the CLI call: `Core`.
//!
//! Writes that touch both the store and the keychain follow one protocol (see `secrets.rs`):
//! an intent row is committed before the keychain is touched and removed in the same
//! transaction as the row it belongs to, and `reconcile` finishes or undoes what a crash left.

mod apps;
mod audit;
mod client_auth;
mod client_certs;
mod dpop;
mod environments;
mod exchange;
mod login;
mod par;
mod portable;
mod remote;
mod secret_actions;
mod secrets;
mod signing_keys;
mod team;
mod team_import;
mod team_oidc;
mod team_permissions;
mod team_removal;
mod team_secret_reads;
mod team_secret_states;
mod team_secrets;
mod team_setup;
mod team_share;
mod team_watch;
mod tokens;
mod writer;

pub use audit::SecretUse;
pub use client_certs::AddedCert;
pub use dpop::DpopBinding;
pub use exchange::{ExchangeFailure, ExchangePart, ExchangeRequest};
pub use login::{
    DEFAULT_LOGIN_TIMEOUT, LoginOptions, PendingDeviceLogin, PendingLogin, loopback_redirect,
    open_in_browser,
};
pub use remote::{drift, registration_account};
pub use secret_actions::{SecretHome, SecretStateSet};
pub use team_oidc::{PendingTeamSignIn, TeamSignInFor, TeamSignInStarted};
pub use team_permissions::{SecretPermissions, TeamPermission, TeamPermissions};
pub use team_setup::AppSwitches;
pub use tokens::Fetch;

use crate::audit::Actor;
use crate::error::{Error, Result};
use crate::http::{HttpClient, HttpLimits};
use crate::model::{AppId, SecretId, Timestamp, TokenId};
use crate::store::intents::IntentAction;
use crate::store::{self, Store};
use crate::vault::SecretStore;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

pub use crate::clock::{Clock, SystemClock};

/// Intents with no owner (written by versions before owners were recorded) younger than this
/// may belong to another process that is still working; only older ones are treated as left by
/// a crash. Intents with an owner are reclaimed once their owner's lock is free, whatever their
/// age (see `writer.rs`).
pub const RECONCILE_AFTER_SECONDS: i64 = 60;

/// The keychain account that holds a secret's value.
pub fn secret_account(id: &SecretId) -> String {
    format!("secret:{id}")
}

/// The keychain account that holds a signing key's private key (PKCS#8 PEM).
pub fn signing_key_account(id: &crate::signing_key::SigningKeyId) -> String {
    format!("signing-key:{id}")
}

/// The keychain account that holds a client certificate's private key (PEM).
pub fn client_cert_account(id: &crate::client_cert::ClientCertId) -> String {
    format!("client-cert:{id}")
}

/// The keychain account that holds a DPoP-bound app's proof key (PKCS#8 PEM).
pub fn dpop_key_account(app: &AppId) -> String {
    format!("dpop-key:{app}")
}

/// The keychain account that holds an access token's value.
pub fn token_account(id: &TokenId) -> String {
    format!("token:{id}")
}

/// The keychain account that holds the refresh token that came with an access token.
pub fn refresh_account(id: &TokenId) -> String {
    format!("refresh:{id}")
}

/// The keychain account that holds the ID token that came with an access token.
pub fn id_token_account(id: &TokenId) -> String {
    format!("idtoken:{id}")
}

/// The keychain accounts a token row refers to: its refresh and ID tokens, then its value
/// (last: finishing the delete of that entry removes the row).
pub(crate) fn token_accounts(token: &crate::model::TokenMeta) -> Vec<String> {
    let mut accounts = Vec::new();
    if token.has_refresh_token {
        accounts.push(refresh_account(&token.id));
    }
    if token.has_id_token {
        accounts.push(id_token_account(&token.id));
    }
    accounts.push(token_account(&token.id));
    accounts
}

/// The token row an account of a token's entries belongs to.
fn token_of_account(account: &str) -> Option<TokenId> {
    ["token:", "refresh:", "idtoken:"]
        .iter()
        .find_map(|prefix| account.strip_prefix(prefix))
        .map(|id| TokenId(id.to_owned()))
}

/// Every keychain account an app's rows refer to: its secrets and its token's entries.
pub(crate) fn app_accounts(conn: &rusqlite::Connection, app: &AppId) -> Result<Vec<String>> {
    let mut accounts: Vec<String> = store::secrets::ids_of(conn, app)?
        .iter()
        .map(secret_account)
        .chain(
            store::signing_keys::ids(conn, Some(app))?
                .iter()
                .map(signing_key_account),
        )
        .chain(
            store::client_certs::ids(conn, Some(app))?
                .iter()
                .map(client_cert_account),
        )
        .collect();
    if store::connectors::link_of(conn, app)?
        .is_some_and(|link| link.kind == crate::model::ConnectorKind::Registration)
    {
        accounts.push(remote::registration_account(app));
    }
    if store::apps::dpop_of(conn, app)?.1.is_some() {
        accounts.push(dpop_key_account(app));
    }
    if let Some(token) = store::tokens::of_app(conn, app)? {
        accounts.extend(token_accounts(&token));
    }
    Ok(accounts)
}

/// What the reconciler did at start.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Keychain entries of adds that never got their row, removed.
    pub undone_puts: u32,
    /// Deletes that were cut short, finished.
    pub finished_deletes: u32,
    /// Intents left for later because the keychain could not be reached.
    pub deferred: u32,
}

/// Authdeck's store, vault and clock behind one facade.
pub struct Core {
    store: Mutex<Store>,
    vault: Arc<dyn SecretStore>,
    clock: Arc<dyn Clock>,
    home: PathBuf,
    /// Who acts through this core, as the audit log records it.
    actor: Actor,
    reconciled_at_open: Reconciled,
    /// Taken before the core's first write transaction and held for the rest of its
    /// lifetime: tells reconcilers elsewhere that its intents are live. A core that only reads
    /// (a cached token, `apps`, `status`) never takes one, so it leaves `locks/` untouched.
    writer: Arc<std::sync::OnceLock<writer::WriterLock>>,
    /// Built on first use (a CLI call that serves a cached token never needs one); the TLS
    /// roots are read later still, on the first https handshake (`tls.rs`).
    http: std::sync::OnceLock<HttpClient>,
    /// One client per client certificate (mTLS), built on its first use and kept by the
    /// certificate's `x5t#S256`: a TLS client identity is fixed per connection pool, so each
    /// certificate gets its own client and the shared one above never changes.
    presenting: Mutex<HashMap<String, HttpClient>>,
    http_limits: HttpLimits,
    /// The store's `data_version` when last polled (0: never).
    data_version: std::sync::atomic::AtomicI64,
    /// One in-flight token request per app (single-flight).
    flights: Mutex<HashMap<AppId, Arc<tokens::Flight>>>,
    /// What each issuer's metadata said (its `jwks_uri`, whether it sends `iss`), read once
    /// per run: sign-ins and every refresh that brings an ID token need it.
    issuers: Mutex<HashMap<String, login::IssuerMetadata>>,
    /// The latest DPoP nonce each server sent, for this process only (see `flows::dpop`).
    dpop_nonces: crate::flows::Nonces,
    /// The access token just stored, for the read that follows (saves a keychain round trip).
    just_stored: tokens::JustStored,
    #[cfg(test)]
    crash_at: Mutex<Option<&'static str>>,
}

/// The store's hook before its first write: creates and locks this core's writer lock in
/// `locks` and stamps the connection's intents with its id. Every intent is recorded inside a
/// write transaction (`intents::record` refuses one without an owner), so no intent of this
/// core exists before its lock is held, and the reconciler's rule (an owner whose lock is
/// free is gone) holds as when the lock was taken at open.
fn take_writer_lock(
    locks: PathBuf,
    cell: Arc<std::sync::OnceLock<writer::WriterLock>>,
) -> store::BeforeFirstWrite {
    Box::new(move |conn| {
        if cell.get().is_none() {
            let lock = writer::WriterLock::acquire(&locks)?;
            store::intents::set_owner(conn, lock.id())?;
            let _ = cell.set(lock);
        }
        Ok(())
    })
}

impl Core {
    /// Opens (creating if needed) the data folder `home`, migrates, and reconciles unfinished
    /// keychain writes; what it does is recorded as the desktop app's.
    pub fn open(home: &Path, vault: Arc<dyn SecretStore>, clock: Arc<dyn Clock>) -> Result<Core> {
        Self::open_as(Actor::Desktop, home, vault, clock)
    }

    /// `open` for `actor`: the desktop app and the CLI each say who they are, and the audit
    /// log records it with every entry.
    pub fn open_as(
        actor: Actor,
        home: &Path,
        vault: Arc<dyn SecretStore>,
        clock: Arc<dyn Clock>,
    ) -> Result<Core> {
        let mut store = Store::open(
            home,
            match actor {
                Actor::Desktop => store::Integrity::WholeFile,
                Actor::Cli => store::Integrity::AsRead,
            },
        )?;
        let locks = home.join("locks");
        crate::folder::private_locks(&locks)?;
        let writer = Arc::new(std::sync::OnceLock::new());
        store.before_first_write(take_writer_lock(locks, writer.clone()));
        let mut core = Core {
            store: Mutex::new(store),
            vault,
            clock,
            home: home.to_owned(),
            actor,
            reconciled_at_open: Reconciled::default(),
            writer,
            http: std::sync::OnceLock::new(),
            presenting: Mutex::new(HashMap::new()),
            http_limits: HttpLimits::default(),
            flights: Mutex::new(HashMap::new()),
            dpop_nonces: crate::flows::Nonces::default(),
            just_stored: tokens::JustStored::default(),
            issuers: Mutex::new(HashMap::new()),
            data_version: std::sync::atomic::AtomicI64::new(0),
            #[cfg(test)]
            crash_at: Mutex::new(None),
        };
        core.reconciled_at_open = core.reconcile()?;
        if actor == Actor::Desktop {
            // only the desktop app tells notices, so only its start forgets old told marks
            let now = core.now().unix();
            core.store()?
                .write(|tx| store::settings::forget_old_notices(tx, now))?;
        }
        Ok(core)
    }

    /// What the reconciler finished or undid when the store was opened.
    pub fn reconciled_at_open(&self) -> &Reconciled {
        &self.reconciled_at_open
    }

    /// Replaces the HTTP limits (tests prove each limit with small values).
    pub fn set_http_limits(&mut self, limits: HttpLimits) -> Result<()> {
        self.http_limits = limits;
        self.http = std::sync::OnceLock::new();
        self.presenting = Mutex::new(HashMap::new());
        Ok(())
    }

    /// The HTTP client, built on first use.
    fn http(&self) -> Result<&HttpClient> {
        if let Some(client) = self.http.get() {
            return Ok(client);
        }
        let client =
            HttpClient::new(self.http_limits).map_err(|e| Error::Internal(e.to_string()))?;
        Ok(self.http.get_or_init(|| client))
    }

    /// The HTTP client that presents `identity` (an app's client certificate) in its TLS
    /// handshakes: built on first use for that certificate, then kept for this run.
    fn http_presenting(
        &self,
        x5t_s256: &str,
        identity: &crate::client_cert::ClientIdentity,
    ) -> Result<HttpClient> {
        let mut clients = self
            .presenting
            .lock()
            .map_err(|_| Error::Internal("the HTTP clients are unusable".into()))?;
        if let Some(client) = clients.get(x5t_s256) {
            return Ok(client.clone());
        }
        let client = HttpClient::presenting(self.http_limits, identity)
            .map_err(|e| Error::NotConfigured(e.to_string()))?;
        clients.insert(x5t_s256.to_owned(), client.clone());
        Ok(client)
    }

    /// Whether another program (the CLI, a second window) has committed to the store since the
    /// last call (SQLite's `data_version`); the desktop app polls it to follow their changes.
    pub fn changed_elsewhere(&self) -> Result<bool> {
        let version: i64 = self
            .store()?
            .conn
            .query_row("PRAGMA data_version", [], |row| row.get(0))
            .map_err(store::store_error)?;
        let last = self
            .data_version
            .swap(version, std::sync::atomic::Ordering::SeqCst);
        Ok(last != 0 && last != version)
    }

    /// Who acts through this core.
    pub fn actor(&self) -> Actor {
        self.actor
    }

    /// The data folder.
    pub fn home(&self) -> &Path {
        &self.home
    }

    fn store(&self) -> Result<MutexGuard<'_, Store>> {
        self.store
            .lock()
            .map_err(|_| Error::Internal("The store is unusable after an earlier failure".into()))
    }

    /// The time now, from the clock the core was opened with.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Finishes or undoes keychain writes that a crash cut short: those of writers whose lock
    /// is free (their process has ended), and those with no owner once they are old enough.
    pub fn reconcile(&self) -> Result<Reconciled> {
        let mut done = Reconciled::default();
        let cutoff = self.now().unix() - RECONCILE_AFTER_SECONDS;
        let unowned = store::intents::unowned_before(&self.store()?.conn, cutoff)?;
        self.reclaim(unowned, &mut done)?;
        let locks = self.home.join("locks");
        // Owners with intents, and lock files of writers that may have none (so a killed
        // process's lock file does not stay forever).
        writer::remove_dead_staging(&locks)?;
        let mut owners = store::intents::owners(&self.store()?.conn)?;
        owners.extend(writer::lock_file_owners(&locks)?);
        owners.sort();
        owners.dedup();
        let mine = self.writer.get().map(writer::WriterLock::id);
        for owner in owners.iter().filter(|o| Some(o.as_str()) != mine) {
            let Some(_claim) = writer::claim_if_dead(&locks, owner)? else {
                continue; // alive: its intents are its own business
            };
            // Read under the claim: another reconciler may have finished them meanwhile.
            let intents = store::intents::of_owner(&self.store()?.conn, owner)?;
            self.reclaim(intents, &mut done)?;
        }
        Ok(done)
    }

    /// Finishes or undoes each of `intents`, whose writer is gone.
    fn reclaim(&self, intents: Vec<store::intents::Intent>, done: &mut Reconciled) -> Result<()> {
        for intent in intents {
            if intent.account.starts_with(team_secret_states::VAULT_SECRET)
                || intent.account.starts_with(team_removal::VAULT_APP_SECRET)
            {
                // A team secret's removal needs the team vault: its next use finishes it.
                continue;
            }
            if intent.action == IntentAction::Put && self.put_has_row(&intent.account)? {
                // The row made it: the add completed, only the intent is left.
                store::intents::clear(&self.store()?.conn, &intent.account)?;
                continue;
            }
            // A keychain that cannot be reached now leaves the intent for the next start.
            if self.vault.delete(&intent.account).is_err() {
                done.deferred += 1;
                continue;
            }
            self.store()?.write(|tx| {
                store::intents::finish(tx, &intent)?;
                Ok(())
            })?;
            match intent.action {
                IntentAction::Put => done.undone_puts += 1,
                IntentAction::Delete => done.finished_deletes += 1,
            }
        }
        Ok(())
    }

    /// Whether a row that needs the keychain entry under `account` exists.
    fn put_has_row(&self, account: &str) -> Result<bool> {
        let conn = &self.store()?.conn;
        if let Some(team) = account.strip_prefix("team:") {
            Ok(store::teams::get(conn, team)?.is_some())
        } else if let Some(app) = account.strip_prefix("registration:") {
            Ok(store::connectors::link_of(conn, &AppId(app.to_owned()))?.is_some())
        } else if let Some(id) = token_of_account(account) {
            store::tokens::exists(conn, &id)
        } else if let Some(app) = account.strip_prefix("dpop-key:") {
            Ok(store::apps::dpop_of(conn, &AppId(app.to_owned()))?
                .1
                .is_some())
        } else if let Some(id) = account.strip_prefix("signing-key:") {
            let id = crate::signing_key::SigningKeyId(id.to_owned());
            Ok(store::signing_keys::get(conn, &id)?.is_some())
        } else if let Some(id) = account.strip_prefix("client-cert:") {
            let id = crate::client_cert::ClientCertId(id.to_owned());
            Ok(store::client_certs::get(conn, &id)?.is_some())
        } else {
            // A team environment's secret has a row but needs no keychain entry: a copy left
            // by a share cut short is removed like an add that never got its row.
            let id = SecretId(account.trim_start_matches("secret:").to_owned());
            Ok(store::secrets::get(conn, &id)?.is_some()
                && !store::teams::team_secret_ids(conn)?.contains(&id.0))
        }
    }

    /// Every keychain account the store expects, and every one the keychain holds in this
    /// namespace; after a reconcile the two are equal.
    pub fn consistency(&self) -> Result<(Vec<String>, Vec<String>)> {
        let conn = &self.store()?.conn;
        // A team environment's secrets are in its team vault, not in the keychain.
        let in_teams = store::teams::team_secret_ids(conn)?;
        let mut expected: Vec<String> = store::secrets::all_ids(conn)?
            .iter()
            .filter(|id| !in_teams.contains(&id.0))
            .map(secret_account)
            .chain(store::tokens::all(conn)?.iter().flat_map(token_accounts))
            .chain(
                store::signing_keys::ids(conn, None)?
                    .iter()
                    .map(signing_key_account),
            )
            .chain(
                store::client_certs::ids(conn, None)?
                    .iter()
                    .map(client_cert_account),
            )
            .chain(
                store::apps::with_dpop_key(conn)?
                    .iter()
                    .map(dpop_key_account),
            )
            .chain(
                store::connectors::registered_apps(conn)?
                    .iter()
                    .map(remote::registration_account),
            )
            .chain(
                store::teams::list(conn)?
                    .iter()
                    .map(|team| crate::team::token_account(&team.name)),
            )
            .collect();
        expected.sort();
        Ok((expected, self.vault.accounts()?))
    }

    /// This core's writer id; panics when it has not written yet.
    #[cfg(test)]
    fn writer_id(&self) -> &str {
        self.writer.get().expect("this core has written").id()
    }

    /// A crash point for the fault-injection tests: fails (without any clean-up, like a crash)
    /// when the test armed `step`.
    #[cfg(test)]
    fn crash_point(&self, step: &'static str) -> Result<()> {
        if *self.crash_at.lock().unwrap() == Some(step) {
            return Err(Error::Internal(format!("injected crash at {step}")));
        }
        Ok(())
    }

    #[cfg(not(test))]
    #[inline(always)]
    fn crash_point(&self, _step: &'static str) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
