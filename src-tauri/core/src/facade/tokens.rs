//! Access tokens: minted from an app's credentials, the value in the keychain under
//! `token:<id>`, the metadata in the store; inspected, revoked and renewed.
//!
//! Storing a new token follows the secrets' protocol: (1) commit a `put` intent for the new
//! entry, (2) write the keychain, (3) in one transaction replace the app's token row, drop the
//! intent and record a `delete` intent for the old entry, (4) remove the old entry and finish
//! that intent (a commit not waited for: losing it leaves an intent the reconciler finishes
//! again). A crash anywhere leaves nothing the reconciler cannot finish or undo.
//!
//! Token requests for one app are single-flight: a caller that arrives while a request for the
//! same app (and scopes) is under way waits for it and shares its outcome. Across processes
//! (the CLI and the desktop app) a lock file in the data folder does the same: the waiter
//! finds the token the other process stored and uses it.

use super::apps::app_gone;
use super::{Core, id_token_account, refresh_account, token_account, token_accounts};
use crate::audit::AuditAction;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::flows::{self, ClientAuth, ClientCredentials, Minted, Nonces};
use crate::http::HttpClient;
use crate::model::*;
use crate::status::{self, AppFacts, renew_window};
use crate::store::intents::{self, Intent};
use crate::store::{apps, secrets, tokens};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// What a caller wants from a token request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fetch {
    /// A new token, whatever is stored (the "Get token" button).
    New,
    /// The stored token if it stays valid this many more seconds, else a new one.
    IfNeeded { min_valid_seconds: i64 },
    /// Automatic renewal; a failure is recorded on the token and stops further attempts.
    Renew,
}

/// The single-flight state of one app's token requests.
#[derive(Default)]
pub(crate) struct Flight {
    pub(super) lock: tokio::sync::Mutex<()>,
    /// How many requests have completed (successfully or not).
    completed: AtomicU64,
    /// The scopes and outcome of the last completed request.
    last: Mutex<Option<(Vec<String>, Result<TokenMeta>)>>,
}

/// The access token this process has just stored, for the read that follows at once (the CLI
/// prints what it minted, the agent hands it on): handed over once, and only within
/// [`JUST_STORED_FOR_SECONDS`], so the keychain round trip is saved without the value outliving
/// the moment it was in memory anyway. A long-running desktop keeps no copy beyond that moment,
/// and a keychain locked later is asked again, as for any other read.
#[derive(Default)]
pub(crate) struct JustStored(Mutex<Option<(TokenId, Secret, Timestamp)>>);

/// How long a just-stored value waits for its read; a read later goes to the keychain.
const JUST_STORED_FOR_SECONDS: i64 = 2;

impl JustStored {
    fn keep(&self, token: &TokenId, value: Secret, now: Timestamp) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some((token.clone(), value, now));
        }
    }

    /// The value of `token` when it is the one just stored, taken out of the slot.
    fn take(&self, token: &TokenId, now: Timestamp) -> Option<Secret> {
        let mut slot = self.0.lock().ok()?;
        match slot.take() {
            Some((id, value, at))
                if id == *token && now.unix() - at.unix() <= JUST_STORED_FOR_SECONDS =>
            {
                Some(value)
            }
            // another token's, or too old: dropped (and wiped) either way
            _ => None,
        }
    }
}

/// A token response to keep, and what it came from.
pub(super) struct Keep {
    /// The response; its refresh token is the one to keep (rotated, or carried over when the
    /// server did not rotate), its ID token one that passed validation.
    pub minted: Minted,
    pub source: TokenSource,
    pub scopes: Vec<String>,
    pub secret_id: Option<SecretId>,
    /// The validated ID token's claims, JSON.
    pub id_claims: Option<String>,
    pub refresh_expires_at: Option<Timestamp>,
    /// It came from a refresh (the audit log says "refreshed", not "minted").
    pub refreshed: bool,
}

/// What the app needs to authenticate: its client ID, method, and the secret (if confidential).
pub(super) struct Credentials {
    pub(super) app: ClientApp,
    pub(super) environment: Environment,
    pub(super) secret: Option<(SecretId, Secret)>,
    /// The key a private_key_jwt app signs its assertions with.
    pub(super) signing_key: Option<(SigningKeyMeta, crate::signing_key::PrivateKey)>,
    /// A DPoP-bound app's proof key.
    pub(super) dpop_key: Option<crate::signing_key::PrivateKey>,
    /// The client certificate an mTLS app presents (its requests go through a client that
    /// presents it: [`Core::http_for`]).
    pub(super) certificate: Option<(ClientCertMeta, crate::client_cert::ClientIdentity)>,
}

impl Credentials {
    /// How the app authenticates; JWT assertions are addressed to the environment's token
    /// endpoint, they and DPoP proofs dated by `clock`, with the server's latest `nonces`.
    pub(super) fn auth<'a>(&'a self, clock: &'a dyn Clock, nonces: &'a Nonces) -> ClientAuth<'a> {
        ClientAuth {
            client_id: &self.app.client_id,
            secret: self.secret.as_ref().map(|(_, value)| value),
            method: self.app.auth_method,
            profile: self.environment.profile,
            assertion: Some(flows::AssertionContext {
                audience: self.environment.endpoints.token_url.as_deref(),
                clock,
                signing_key: self
                    .signing_key
                    .as_ref()
                    .map(|(meta, key)| (meta.kid.as_str(), key)),
            }),
            dpop: self
                .dpop_key
                .as_ref()
                .map(|key| flows::DpopContext { key, clock, nonces }),
        }
    }
}

impl Core {
    pub(super) fn flight(&self, app: &AppId) -> Result<Arc<Flight>> {
        let mut flights = self
            .flights
            .lock()
            .map_err(|_| Error::Internal("token requests are unusable".into()))?;
        Ok(flights.entry(app.clone()).or_default().clone())
    }

    pub(super) fn facts_status(
        &self,
        app: &ClientApp,
        token: Option<TokenMeta>,
    ) -> Result<TokenStatus> {
        let renewal_paused = apps::renewal_paused(&self.store()?.conn, &app.id)?;
        Ok(status::token_status(
            AppFacts {
                id: app.id.clone(),
                name: app.display_name.clone(),
                client_id: app.client_id.clone(),
                client_type: app.client_type,
                auto_renew: app.auto_renew,
                renewal_paused,
            },
            token,
            self.now(),
        ))
    }

    /// The app's token status and whether its stored token serves a request for `requested`
    /// scopes (the app's default scopes when None) valid `min_valid_seconds` more, by
    /// `Fetch::IfNeeded`'s rule. Reads the store only, never the keychain: the CLI's cached
    /// path and the agent both decide here.
    pub fn stored_token(
        &self,
        app: &AppId,
        requested: Option<&[String]>,
        min_valid_seconds: i64,
    ) -> Result<status::StoredToken> {
        let app = self.app(app)?;
        let token = tokens::of_app(&self.store()?.conn, &app.id)?;
        let scopes = match requested {
            Some(scopes) => scopes.to_vec(),
            None => default_scopes(&app, token.as_ref()),
        };
        let status = self.facts_status(&app, token)?;
        let miss = status::miss(&status, &scopes, min_valid_seconds);
        Ok(status::StoredToken { status, miss })
    }

    /// The status of an app's token.
    pub fn token_status(&self, app: &AppId) -> Result<TokenStatus> {
        let app = self.app(app)?;
        let token = tokens::of_app(&self.store()?.conn, &app.id)?;
        self.facts_status(&app, token)
    }

    /// The token status of every app of an environment, by app name.
    pub fn token_statuses(&self, environment: &EnvironmentId) -> Result<Vec<TokenStatus>> {
        Ok(self
            .token_statuses_with_par(environment)?
            .into_iter()
            .map(|(status, _)| status)
            .collect())
    }

    /// [`Core::token_statuses`], each with whether the app pushes its authorization requests
    /// (PAR), read in the same pass over the environment's apps (`status --json`: a second
    /// query for it read all 10,000 apps' rows again).
    pub fn token_statuses_with_par(
        &self,
        environment: &EnvironmentId,
    ) -> Result<Vec<(TokenStatus, bool)>> {
        self.environment(environment)?;
        let store = self.store()?;
        let mut by_app: std::collections::HashMap<AppId, TokenMeta> =
            tokens::in_environment(&store.conn, environment)?
                .into_iter()
                .map(|token| (token.app_id.clone(), token))
                .collect();
        let now = self.now();
        Ok(apps::token_facts(&store.conn, environment)?
            .into_iter()
            .map(|facts| {
                let token = by_app.remove(&facts.id);
                let status = status::token_status(
                    AppFacts {
                        id: facts.id,
                        name: facts.name,
                        client_id: facts.client_id,
                        client_type: facts.client_type,
                        auto_renew: facts.auto_renew,
                        renewal_paused: facts.renewal_paused,
                    },
                    token,
                    now,
                );
                (status, facts.par)
            })
            .collect())
    }

    /// The status and, for a JWT, its decoded (unverified) header and claims.
    pub fn token_details(&self, app: &AppId) -> Result<TokenDetails> {
        let status = self.token_status(app)?;
        let jwt = match &status.token {
            Some(token) if token.is_jwt => {
                status::decode_jwt(self.vault.get(&token_account(&token.id))?.expose())
            }
            _ => None,
        };
        let id_claims = match &status.token {
            Some(token) => tokens::id_claims(&self.store()?.conn, &token.id)?
                .and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok())
                .and_then(|value| value.as_object().map(crate::flows::fields_of)),
            None => None,
        };
        Ok(TokenDetails {
            status,
            jwt,
            id_claims,
        })
    }

    /// Connects to the keychain now rather than at first use (the agent, so its first answer
    /// is quick and a missing keychain is found at its start).
    pub fn connect_keychain(&self) -> Result<()> {
        self.vault.connect()
    }

    /// Whether the keychain entry of `token`'s value is locked now (one cheap call that reads
    /// no value): a holder of token values in memory, the agent, asks before each one it hands
    /// on. `Error::SecretMissing` when the entry is gone.
    pub fn token_locked(&self, token: &TokenMeta) -> Result<bool> {
        self.vault.is_locked(&token_account(&token.id))
    }

    /// The token's value to hand on (copying, the CLI, API calls): the stored one, unless its
    /// sign-in has ended (then a "sign in again" error, and the keychain is not read).
    pub fn token_value(&self, app: &AppId) -> Result<(TokenMeta, Secret)> {
        let app_row = self.app(app)?;
        let token = tokens::of_app(&self.store()?.conn, app)?.ok_or_else(no_token)?;
        if token.sign_in_ended_at.is_some() {
            return Err(sign_in_ended(&app_row));
        }
        let value = match self.just_stored.take(&token.id, self.now()) {
            Some(value) => value,
            None => self.vault.get(&token_account(&token.id))?,
        };
        Ok((token, value))
    }

    /// The stored token's value whatever its state, to ask its provider about it (introspect,
    /// token info, revoke): an ended sign-in's token is shown to be inactive, never handed on.
    fn token_to_ask_about(&self, app: &AppId) -> Result<(TokenMeta, Secret)> {
        self.app(app)?;
        let token = tokens::of_app(&self.store()?.conn, app)?.ok_or_else(no_token)?;
        let value = self.vault.get(&token_account(&token.id))?;
        Ok((token, value))
    }

    pub(super) async fn credentials(
        &self,
        app: &AppId,
        secret: Option<&SecretId>,
    ) -> Result<Credentials> {
        let app = self.app(app)?;
        let environment = self.environment(&app.environment_id)?;
        let dpop_key = self.dpop_key(&app)?;
        if app.auth_method == AuthMethod::PrivateKeyJwt {
            let signing_key = Some(self.active_signing_key(&app)?);
            return Ok(Credentials {
                app,
                environment,
                secret: None,
                signing_key,
                dpop_key,
                certificate: None,
            });
        }
        if app.auth_method.uses_certificate() {
            let certificate = Some(self.active_client_cert(&app)?);
            let environment = self.with_mtls_aliases(environment).await;
            return Ok(Credentials {
                app,
                environment,
                secret: None,
                signing_key: None,
                dpop_key,
                certificate,
            });
        }
        let secret = match app.client_type {
            ClientType::Public => None,
            ClientType::Confidential => {
                let id = match secret {
                    Some(id) => id.clone(),
                    None => {
                        // A team member's newest secret may have been added by someone else.
                        self.follow_team_secrets(&app.environment_id).await?;
                        secrets::newest_active(&self.store()?.conn, &app.id)?.ok_or_else(|| {
                            Error::NotConfigured(format!(
                                "“{}” has no active client secret. Add the secret the \
                                 provider gave you first.",
                                app.display_name
                            ))
                        })?
                    }
                };
                let value = self.secret_value_of(&app.id, &id).await?;
                Some((id, value))
            }
        };
        Ok(Credentials {
            app,
            environment,
            secret,
            signing_key: None,
            dpop_key,
            certificate: None,
        })
    }

    /// The HTTP client for the app's requests to its provider: one that presents the app's
    /// client certificate when it authenticates by mutual TLS, else the shared one.
    pub(super) fn http_for(&self, credentials: &Credentials) -> Result<HttpClient> {
        match &credentials.certificate {
            Some((meta, identity)) => self.http_presenting(&meta.x5t_s256, identity),
            None => Ok(self.http()?.clone()),
        }
    }

    pub(super) fn token_url(environment: &Environment) -> Result<&str> {
        environment.endpoints.token_url.as_deref().ok_or_else(|| {
            Error::NotConfigured(format!(
                "“{}” has no token endpoint. Add it in the environment's settings, or fill \
                 the endpoints from the issuer.",
                environment.name
            ))
        })
    }

    async fn request_token(&self, credentials: &Credentials, scopes: &[String]) -> Result<Minted> {
        if credentials.app.client_type == ClientType::Public {
            return Err(Error::LoginRequired(format!(
                "“{}” is a public client: it gets tokens by signing in with the browser (or on \
                 another device), not with client credentials.",
                credentials.app.display_name
            )));
        }
        let request = ClientCredentials {
            token_url: Self::token_url(&credentials.environment)?,
            auth: credentials.auth(self.clock.as_ref(), &self.dpop_nonces),
            scopes,
            audience: credentials.app.audience.as_deref(),
            resource: credentials.app.resource.as_deref(),
        };
        flows::client_credentials(&self.http_for(credentials)?, &request).await
    }

    /// Gets a token for an app with its active secret (client credentials), single-flight.
    pub async fn fetch_token(
        &self,
        app: &AppId,
        input: TokenRequestInput,
        fetch: Fetch,
    ) -> Result<TokenStatus> {
        let app_row = self.app(app)?;
        let scopes = match input.scopes.as_deref() {
            Some(given) => requested_scopes(&app_row, Some(given))?,
            None => default_scopes(&app_row, tokens::of_app(&self.store()?.conn, app)?.as_ref()),
        };
        let stored_before = tokens::id_of(&self.store()?.conn, app)?;
        let flight = self.flight(app)?;
        let seen = flight.completed.load(Ordering::SeqCst);
        let _turn = flight.lock.lock().await;
        let _across_processes = self.process_lock(app).await?;
        if flight.completed.load(Ordering::SeqCst) != seen {
            // Another request for this app finished while this one waited: share its outcome.
            let last = flight.last.lock().map(|last| last.clone()).ok().flatten();
            // (A renewal refused for a pause is no answer to a request by hand.)
            if let Some((last_scopes, outcome)) = last
                && last_scopes == scopes
                && !(fetch == Fetch::New && matches!(outcome, Err(Error::RenewalPaused(_))))
            {
                return self.facts_status(&app_row, Some(outcome?));
            }
        }
        let stored = tokens::of_app(&self.store()?.conn, app)?;
        let current = self.facts_status(&app_row, stored)?;
        if let Some(token) = &current.token
            && Some(&token.id) != stored_before.as_ref()
            && token.requested_scopes == scopes
            && token.revoked_at.is_none()
        {
            // Another program (the CLI, a second window) stored a token for the same scopes
            // while this one waited for the lock: that one is as new as this one would be.
            return Ok(current);
        }
        if let Fetch::IfNeeded { min_valid_seconds } = fetch
            && status::serves(&current, &scopes, min_valid_seconds)
        {
            return Ok(current);
        }
        let outcome = self.mint(app, current.token, &scopes, fetch).await;
        match (fetch, &outcome) {
            // A pause is no failure of the token: it ends with a token got by hand, not with
            // a renewal error that needs clearing.
            (Fetch::Renew, Err(Error::RenewalPaused(_))) => {}
            (Fetch::Renew, Err(error)) => {
                let message = error.to_string();
                self.store()?
                    .write(|tx| tokens::set_renew_error(tx, app, Some(&message)))?;
            }
            // The user saw where the request goes and sent it: renewal may follow again.
            (Fetch::New, Ok(_)) => self.store()?.write(|tx| apps::resume_renewal(tx, app))?,
            _ => {}
        }
        if let Ok(mut last) = flight.last.lock() {
            *last = Some((scopes, outcome.clone()));
        }
        flight.completed.fetch_add(1, Ordering::SeqCst);
        self.facts_status(&app_row, Some(outcome?))
    }

    /// Refuses a request nobody asked for by hand (automatic renewal, "if needed") while an
    /// import's endpoint change has paused the app's renewal. Checked after the environment's
    /// endpoints are read, so an import committed in between is always seen.
    fn refuse_while_paused(&self, app: &AppId, fetch: Fetch) -> Result<()> {
        if fetch == Fetch::New || !apps::renewal_paused(&self.store()?.conn, app)? {
            return Ok(());
        }
        let app = self.app(app)?;
        let environment = self.environment(&app.environment_id)?;
        Err(Error::RenewalPaused(format!(
            "Automatic renewal of “{}” is paused: an import changed the endpoints of “{}” \
             (token endpoint: {}). Get a token by hand once to resume.",
            app.display_name,
            environment.name,
            environment.endpoints.token_url.as_deref().unwrap_or("none"),
        )))
    }

    /// An exclusive lock on the app's token requests shared by every process using this data
    /// folder (flock on `locks/token-<app>.lock`); released when the file is dropped.
    pub(super) async fn process_lock(&self, app: &AppId) -> Result<std::fs::File> {
        let dir = self.home.join("locks");
        let path = dir.join(format!("token-{app}.lock"));
        tokio::task::spawn_blocking(move || -> Result<std::fs::File> {
            crate::folder::private_dir(&dir)?;
            let file = crate::folder::open_lock(&path)?;
            file.lock().map_err(|e| {
                Error::Store(format!(
                    "Could not lock token requests in the data folder ({e}); check that it \
                     is writable."
                ))
            })?;
            Ok(file)
        })
        .await
        .map_err(|e| Error::Internal(format!("the token lock task failed: {e}")))?
    }

    async fn mint(
        &self,
        app: &AppId,
        current: Option<TokenMeta>,
        scopes: &[String],
        fetch: Fetch,
    ) -> Result<TokenMeta> {
        match current {
            // The provider ended it: neither a refresh nor the app's own credentials (which
            // would quietly act as the app instead of the user) stand in for a new sign-in.
            Some(token) if token.sign_in_ended_at.is_some() => {
                return Err(sign_in_ended(&self.app(app)?));
            }
            // Its subject token is another grant's: renewing by the app's own credentials
            // would quietly hand out a token of other rights.
            Some(token) if token.source == TokenSource::TokenExchange => {
                return Err(Error::LoginRequired(format!(
                    "“{}” holds a token got by token exchange; it is not renewed by itself. \
                     Run `authdeck exchange` again, or forget the token to use the app's own \
                     credentials.",
                    self.app(app)?.display_name
                )));
            }
            Some(token) if token.has_refresh_token => {
                self.refuse_while_paused(app, fetch)?;
                return self.refresh_login(app, token, scopes).await;
            }
            Some(token)
                if token.source != TokenSource::ClientCredentials
                    && self.app(app)?.client_type == ClientType::Confidential =>
            {
                // A user's sign-in without a refresh token: a client-credentials token now
                // would quietly act as the app instead of the user.
                return Err(Error::LoginRequired(format!(
                    "“{}” holds a user's sign-in with no refresh token left. Sign in again, or \
                     forget the token to use the app's own credentials.",
                    self.app(app)?.display_name
                )));
            }
            _ => {}
        }
        let credentials = self.credentials(app, None).await?;
        self.refuse_while_paused(app, fetch)?;
        let minted = self.request_token(&credentials, scopes).await?;
        let secret_id = credentials.secret.as_ref().map(|(id, _)| id.clone());
        self.store_token(
            app,
            Keep {
                minted,
                source: TokenSource::ClientCredentials,
                scopes: scopes.to_vec(),
                secret_id,
                id_claims: None,
                refresh_expires_at: None,
                refreshed: false,
            },
        )
    }

    /// Stores a token response: the access token, and the refresh and ID tokens in `keep`.
    /// Every new keychain entry is written (the refresh token read back) before the row that
    /// makes them current is committed; the replaced row's entries are removed after.
    pub(super) fn store_token(&self, app: &AppId, keep: Keep) -> Result<TokenMeta> {
        let Keep {
            minted,
            source,
            scopes,
            secret_id,
            id_claims,
            refresh_expires_at,
            refreshed,
        } = keep;
        let now = self.now();
        let issued_at = minted
            .created_at
            .and_then(Timestamp::from_unix)
            // a clock far off (or a bogus value) must not make a fresh token look expired
            .filter(|at| (at.unix() - now.unix()).abs() <= 300)
            .unwrap_or(now);
        let expires_at = minted.expires_at(issued_at)?;
        // Only a profile that declares it makes an answer's instance_url the token's API base
        // (looked up only then: the token path of every other provider stays one query short).
        let api_base_url = match minted.instance_url {
            Some(url) => {
                let environment = self.app(app)?.environment_id;
                crate::profile::rules(self.environment(&environment)?.profile)
                    .instance_url
                    .then_some(url)
            }
            None => None,
        };
        let token = TokenMeta {
            id: TokenId::new(),
            app_id: app.clone(),
            source,
            is_jwt: status::decode_jwt(minted.access_token.expose()).is_some(),
            fingerprint: minted.access_token.fingerprint(),
            token_type: minted.token_type,
            issued_at,
            expires_at,
            requested_scopes: scopes,
            granted_scopes: minted.scopes,
            secret_id,
            revoked_at: None,
            renew_error: None,
            has_refresh_token: minted.refresh_token.is_some(),
            refresh_expires_at: minted.refresh_token.as_ref().and(refresh_expires_at),
            has_id_token: minted.id_token.is_some(),
            sign_in_ended_at: None,
            api_base_url,
            issued_token_type: minted.issued_token_type,
        };
        // The refresh token first: it is the one that cannot be got again.
        let mut entries = Vec::new();
        if let Some(refresh) = minted.refresh_token {
            entries.push((refresh_account(&token.id), refresh));
        }
        if let Some(id_token) = minted.id_token {
            entries.push((id_token_account(&token.id), id_token));
        }
        entries.push((token_account(&token.id), minted.access_token));
        let puts: Vec<Intent> = entries
            .iter()
            .map(|(account, _)| Intent::put(account.clone()))
            .collect();
        self.store()?.write(|tx| {
            for put in &puts {
                intents::record(tx, put, now)?;
            }
            Ok(())
        })?;
        self.crash_point("token: intent recorded")?;
        for (written, (account, value)) in entries.iter().enumerate() {
            let outcome = self.vault.put(account, value).and_then(|()| {
                if account.starts_with("refresh:") && self.vault.get(account)? != *value {
                    return Err(Error::Keychain(
                        "The keychain returned another value than the refresh token just \
                         written."
                            .into(),
                    ));
                }
                Ok(())
            });
            if let Err(error) = outcome {
                self.undo_puts(&entries[..written], &puts)?;
                return Err(error);
            }
        }
        self.crash_point("token: keychain written")?;
        let old = self.store()?.write(|tx| {
            if apps::get(tx, app)?.is_none() {
                // The app was deleted while the request was under way.
                return Ok(None);
            }
            let old: Vec<Intent> = tokens::of_app(tx, app)?
                .map(|old| token_accounts(&old))
                .unwrap_or_default()
                .into_iter()
                .map(Intent::delete)
                .collect();
            tokens::replace(tx, &token, id_claims.as_deref())?;
            self.note_minted(tx, &token, refreshed)?;
            for put in &puts {
                intents::clear(tx, &put.account)?;
            }
            for intent in &old {
                intents::record(tx, intent, now)?;
            }
            if let Some(secret) = &token.secret_id {
                secrets::set_used(tx, secret, now)?;
            }
            Ok(Some(old))
        })?;
        let Some(old) = old else {
            self.undo_puts(&entries, &puts)?;
            return Err(app_gone());
        };
        // A keychain that fails now leaves the intent; the reconciler finishes it later.
        let removed: Vec<Intent> = old
            .into_iter()
            .filter(|intent| self.vault.delete(&intent.account).is_ok())
            .collect();
        self.crash_point("token: old entries removed")?;
        if !removed.is_empty() {
            // One commit for them all, not fsynced: losing it in a power cut only leaves
            // intents the reconciler finishes again (their entries are gone already).
            self.store()?.write_redoable(|tx| {
                removed
                    .iter()
                    .try_for_each(|intent| intents::finish(tx, intent))
            })?;
        }
        // the access token is written last (see `entries`)
        if let Some((_, value)) = entries.pop() {
            self.just_stored.keep(&token.id, value, self.now());
        }
        Ok(token)
    }

    /// Takes back keychain entries written for a token that is not kept, and their intents.
    fn undo_puts(&self, written: &[(String, Secret)], puts: &[Intent]) -> Result<()> {
        for (account, _) in written {
            let _ = self.vault.delete(account);
        }
        self.store()?.write(|tx| {
            for put in puts {
                intents::clear(tx, &put.account)?;
            }
            Ok(())
        })
    }

    /// "Verify": a real token request with one particular secret. A refusal by the provider is
    /// recorded on the secret with its message; a transport failure records nothing.
    pub async fn verify_secret(&self, id: &SecretId) -> Result<SecretMeta> {
        let (secret, app) = {
            let store = self.store()?;
            let secret = secrets::get(&store.conn, id)?
                .ok_or_else(|| Error::NotFound("That secret no longer exists.".into()))?;
            let app = apps::get(&store.conn, &secret.app_id)?.ok_or_else(app_gone)?;
            (secret, app)
        };
        let credentials = self.credentials(&app.id, Some(&secret.id)).await?;
        let outcome = self.request_token(&credentials, &app.default_scopes).await;
        let now = self.now();
        match outcome {
            Ok(_) => self.store()?.write(|tx| {
                secrets::set_verified(tx, id, now, true, None)?;
                // The provider issued a token (not kept); a team secret was read to get it.
                match self.team_read(tx, Some(id), "read from")? {
                    Some(read) => {
                        let detail = format!("to verify: {read}; the token was not kept");
                        self.note_app(tx, AuditAction::TokenMinted, &app.id, &detail)
                    }
                    None => Ok(()),
                }
            })?,
            Err(Error::Provider { message, .. }) => self
                .store()?
                .write(|tx| secrets::set_verified(tx, id, now, false, Some(&message)))?,
            Err(other) => return Err(other),
        }
        self.secrets(&app.id)?
            .into_iter()
            .find(|s| &s.id == id)
            .ok_or_else(|| Error::NotFound("That secret no longer exists.".into()))
    }

    /// Asks the provider whether the app's token is active (RFC 7662).
    pub async fn introspect_token(&self, app: &AppId) -> Result<Introspection> {
        let credentials = self.credentials(app, None).await?;
        let url = endpoint(
            &credentials.environment,
            &credentials.environment.endpoints.introspection_url,
            "introspection",
        )?;
        // a confidential app authenticates by its secret or by a key (private_key_jwt)
        if crate::profile::rules(credentials.environment.profile).introspection_needs_secret
            && credentials.app.client_type == ClientType::Public
        {
            return Err(Error::NotConfigured(format!(
                "{} answers introspection only for a confidential client authenticating with \
                 its own secret, and “{}” is a public client.",
                credentials.environment.profile.name(),
                credentials.app.display_name
            )));
        }
        let (_, value) = self.token_to_ask_about(app)?;
        let (active, fields) = flows::introspect(
            &self.http_for(&credentials)?,
            &url,
            credentials.auth(self.clock.as_ref(), &self.dpop_nonces),
            &value,
        )
        .await?;
        Ok(Introspection {
            active,
            fields,
            checked_at: self.now(),
        })
    }

    /// Asks the provider's token-info endpoint about the app's token.
    pub async fn token_info(&self, app: &AppId) -> Result<TokenInfo> {
        let app_row = self.app(app)?;
        let environment = self.environment(&app_row.environment_id)?;
        let url = endpoint(
            &environment,
            &environment.endpoints.token_info_url,
            "token-info",
        )?;
        let (token, value) = self.token_to_ask_about(app)?;
        flows::token_info(
            self.http()?,
            &url,
            environment.profile,
            &token.token_type,
            &value,
            self.now(),
        )
        .await
    }

    /// Revokes the app's token at the provider (RFC 7009) and marks it revoked. The value is
    /// kept, so introspection can show the provider now calls it inactive.
    pub async fn revoke_token(&self, app: &AppId) -> Result<TokenStatus> {
        let credentials = self.credentials(app, None).await?;
        let url = endpoint(
            &credentials.environment,
            &credentials.environment.endpoints.revocation_url,
            "revocation",
        )?;
        let (token, value) = self.token_to_ask_about(app)?;
        flows::revoke(
            &self.http_for(&credentials)?,
            &url,
            credentials.auth(self.clock.as_ref(), &self.dpop_nonces),
            &value,
        )
        .await?;
        let now = self.now();
        self.store()?
            .write(|tx| tokens::set_revoked(tx, &token.id, now))?;
        self.note_app_now(AuditAction::TokenRevoked, app, "")?;
        self.token_status(app)
    }

    /// Removes the app's token from the keychain and the store (nothing is sent anywhere).
    pub fn forget_token(&self, app: &AppId) -> Result<TokenStatus> {
        self.app(app)?;
        let Some(token) = tokens::of_app(&self.store()?.conn, app)? else {
            return self.token_status(app);
        };
        self.delete_entries(token_accounts(&token))?;
        self.token_status(app)
    }

    /// Turns automatic renewal on or off; turning it on clears a recorded renewal failure.
    pub fn set_auto_renew(&self, app: &AppId, on: bool) -> Result<TokenStatus> {
        self.app(app)?;
        self.store()?.write(|tx| {
            apps::set_auto_renew(tx, app, on)?;
            if on {
                tokens::set_renew_error(tx, app, None)?;
            }
            Ok(())
        })?;
        self.token_status(app)
    }

    /// The apps whose client-credentials token is inside its renewal window and not yet
    /// expired, with renewal on, not paused by an import, and no recorded failure.
    pub fn renewals_due(&self) -> Result<Vec<AppId>> {
        let now = self.now().unix();
        Ok(tokens::renewable(&self.store()?.conn)?
            .into_iter()
            .filter(|token| {
                token.expires_at.is_some_and(|expires| {
                    let left = expires.unix() - now;
                    left > 0 && left <= i64::from(renew_window(token))
                })
            })
            .map(|token| token.app_id)
            .collect())
    }

    /// "Try it": one request to the environment's API with the app's token (a new one first
    /// when the stored one is missing or about to expire).
    pub async fn call_api(&self, request: &ApiRequest) -> Result<ApiResponse> {
        self.fetch_token(
            &request.app_id,
            TokenRequestInput::default(),
            Fetch::IfNeeded {
                min_valid_seconds: 10,
            },
        )
        .await?;
        // After the fetch: a new token may name its own API base (Salesforce's instance_url).
        let base = self.api_base(&request.app_id)?;
        let (token, value) = self.token_value(&request.app_id)?;
        let key = match token.token_type.as_str() {
            "DPoP" => Some(self.dpop_key(&self.app(&request.app_id)?)?.ok_or_else(|| {
                Error::NotConfigured(
                    "The app's token is bound to its DPoP key, and the app is no longer \
                     DPoP-bound; get a new token."
                        .into(),
                )
            })?),
            _ => None,
        };
        let dpop = key.as_ref().map(|key| flows::DpopContext {
            key,
            clock: self.clock.as_ref(),
            nonces: &self.dpop_nonces,
        });
        // an mTLS app presents its certificate to the API too: its tokens may be bound to it
        let app = self.app(&request.app_id)?;
        let http = if app.auth_method.uses_certificate() {
            let (meta, identity) = self.active_client_cert(&app)?;
            self.http_presenting(&meta.x5t_s256, &identity)?
        } else {
            self.http()?.clone()
        };
        flows::call_api(
            &http,
            &base,
            request,
            &token.token_type,
            &value,
            dpop.as_ref(),
        )
        .await
    }

    /// The request as a curl command; with the token's value only when `with_token`. For a
    /// DPoP token, an `authdeck curl` command (a proof is made per request), never a value.
    pub fn curl_command(&self, request: &ApiRequest, with_token: bool) -> Result<Secret> {
        let base = self.api_base(&request.app_id)?;
        let token_type = tokens::of_app(&self.store()?.conn, &request.app_id)?
            .map_or_else(|| "Bearer".to_owned(), |token| token.token_type);
        if token_type == "DPoP" {
            let app = self.app(&request.app_id)?;
            let environment = self.environment(&app.environment_id)?;
            return flows::dpop_curl_command(&base, request, &app.display_name, &environment.name)
                .map(Secret::new);
        }
        let value = if with_token {
            Some(self.token_value(&request.app_id)?.1)
        } else {
            None
        };
        flows::curl_command(&base, request, &token_type, value.as_ref()).map(Secret::new)
    }

    /// Where "Try it" sends requests: the API base the current token's answer named, else the
    /// environment's.
    fn api_base(&self, app: &AppId) -> Result<String> {
        if let Some(base) =
            tokens::of_app(&self.store()?.conn, app)?.and_then(|token| token.api_base_url)
        {
            return Ok(base);
        }
        let app = self.app(app)?;
        let environment = self.environment(&app.environment_id)?;
        environment.endpoints.api_base_url.clone().ok_or_else(|| {
            Error::NotConfigured(format!(
                "“{}” has no API base URL. Add it in the environment's settings.",
                environment.name
            ))
        })
    }

    /// Discovers an issuer's endpoints (nothing is saved).
    pub async fn discover(&self, issuer: &str) -> Result<Discovery> {
        flows::discover(self.http()?, issuer).await
    }
}

/// The scopes a request asks for: the ones given (space-separated words allowed), else the
/// app's defaults; each checked.
pub(super) fn requested_scopes(app: &ClientApp, given: Option<&[String]>) -> Result<Vec<String>> {
    let scopes: Vec<String> = match given {
        Some(scopes) => scopes
            .iter()
            .flat_map(|s| s.split_whitespace())
            .map(str::to_owned)
            .collect(),
        None => app.default_scopes.clone(),
    };
    for scope in &scopes {
        crate::validate::check_scope(scope).map_err(|m| Error::invalid("scopes", m))?;
    }
    Ok(scopes)
}

/// The scopes a request that names none asks for: the app's defaults, except for an exchanged
/// token, whose scopes are what its exchange asked for (the defaults are a client-credentials
/// request's), so `token` hands it out while it is valid.
fn default_scopes(app: &ClientApp, stored: Option<&TokenMeta>) -> Vec<String> {
    match stored {
        Some(token) if token.source == TokenSource::TokenExchange => token.requested_scopes.clone(),
        _ => app.default_scopes.clone(),
    }
}

fn no_token() -> Error {
    Error::NotFound("This app holds no token yet; get one first.".into())
}

/// Why an ended sign-in's token is not handed out, and what to do.
fn sign_in_ended(app: &ClientApp) -> Error {
    Error::LoginRequired(format!(
        "The sign-in to “{}” has ended: the provider refused its refresh token, so its access \
         token, most likely revoked with it, is not handed out. Sign in again{}.",
        app.display_name,
        match app.client_type {
            ClientType::Confidential => ", or forget the token to use the app's own credentials",
            ClientType::Public => "",
        }
    ))
}

/// An endpoint the action needs, or why the environment cannot do it.
fn endpoint(environment: &Environment, url: &Option<String>, which: &str) -> Result<String> {
    url.clone().ok_or_else(|| {
        Error::NotConfigured(format!(
            "“{}” has no {which} endpoint. Add it in the environment's settings.",
            environment.name
        ))
    })
}
