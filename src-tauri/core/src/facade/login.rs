//! Signing in as a user: the browser login (authorization code + PKCE on a loopback redirect,
//! RFC 8252), the device login (RFC 8628), and refreshing what they got.
//!
//! A login is two steps so the caller can show the URL (or user code) and offer a cancel while
//! it waits: `start_*` builds the request, binds the listener (or gets the user code) and
//! returns what to show; `finish_*` waits, exchanges, validates the ID token and stores.
//!
//! Refresh follows one rule: a refresh token is sent at most once. The row is marked just
//! before the request leaves; the rotated token is written to the keychain and read back
//! before the new access token is stored; a refusal (`invalid_grant`), a lost answer (any
//! failure once the request left but the provider's own OAuth error) or a mark found left over
//! from a crash retires the refresh token and asks for a new sign-in. A refusal also ends the
//! sign-in: the provider has dropped the grant, most likely with its access token, so that
//! token is no longer handed out either (`TokenState::SignInEnded`) until a new sign-in.

use super::tokens::{Credentials, Keep, requested_scopes};
use super::{Core, id_token_account, refresh_account};
use crate::error::{Error, Result};
use crate::flows::{self, Authorize, DeviceAuthorization, IdTokenCheck, Minted, RefreshFailure};
use crate::loopback::{Callback, Expected, Issuer, ListenOptions, Listener};
use crate::model::*;
use crate::store::intents::{self, Intent};
use crate::store::issuers::{self, SeenMetadata};
use crate::store::{apps, tokens};
use std::future::Future;
use std::time::Duration;
use url::Url;

/// How long a login waits unless told otherwise.
pub const DEFAULT_LOGIN_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// What a login asks for.
#[derive(Clone, Debug, Default)]
pub struct LoginOptions {
    /// None: the app's default scopes.
    pub scopes: Option<Vec<String>>,
    /// None: five minutes.
    pub timeout: Option<Duration>,
}

impl TryFrom<LoginInput> for LoginOptions {
    type Error = Error;

    /// The desktop app's input: a timeout between 10 seconds and an hour.
    fn try_from(input: LoginInput) -> Result<Self> {
        if let Some(seconds) = input.timeout_seconds
            && !(10..=3600).contains(&seconds)
        {
            return Err(Error::invalid(
                "timeout_seconds",
                "Give the sign-in between 10 seconds and an hour.",
            ));
        }
        Ok(Self {
            scopes: input.scopes,
            timeout: input
                .timeout_seconds
                .map(|seconds| Duration::from_secs(seconds.into())),
        })
    }
}

/// Opens a URL in the system's default browser (xdg-open, then gio, on Linux), never in a
/// webview. A machine with no browser registered may still report success: callers always
/// show the URL too.
pub fn open_in_browser(url: &str) -> Result<()> {
    // Only a web address reaches the opener: a `file:` or `javascript:` one would open or run
    // something else. (The address itself is not repeated: it may hold the login's state.)
    crate::validate::check_endpoint(url).map_err(|why| {
        Error::NotConfigured(format!(
            "Authdeck opens only web addresses (https, or http on loopback); this one was not \
             opened. {why}"
        ))
    })?;
    // The opener's own message repeats the whole command line (the address with its state):
    // only the kind of failure is said.
    open::that_detached(url).map_err(|e| {
        Error::NotConfigured(format!(
            "No browser could be opened ({}). Copy the sign-in address and open it yourself.",
            e.kind()
        ))
    })
}

/// What an issuer's metadata says that a sign-in needs.
#[derive(Clone, Debug)]
pub(super) struct IssuerMetadata {
    jwks_uri: Option<String>,
    iss_parameter_supported: bool,
    /// `token_endpoint_auth_methods_supported`; empty when the metadata does not say.
    pub(super) auth_methods: Vec<String>,
    /// `grant_types_supported`; empty when the metadata does not say.
    pub(super) grant_types: Vec<String>,
    /// `pushed_authorization_request_endpoint` (RFC 9126).
    pub(super) par_endpoint: Option<String>,
    /// `require_pushed_authorization_requests`.
    pub(super) par_required: bool,
    /// `mtls_endpoint_aliases` (RFC 8705 §5).
    pub(super) mtls_aliases: std::collections::BTreeMap<String, String>,
    /// `dpop_signing_alg_values_supported` (RFC 9449 §5.1); empty when the metadata does not say.
    pub(super) dpop_algs: Vec<String>,
}

/// The issuer facts an OpenID login checks its ID token against.
#[derive(Clone, Debug)]
struct Oidc {
    issuer: String,
    jwks_url: String,
}

/// A browser login waiting for its callback.
pub struct PendingLogin {
    pub started: LoginStarted,
    listener: Listener,
    expected: Expected,
    verifier: Secret,
    nonce: Option<String>,
    scopes: Vec<String>,
    oidc: Option<Oidc>,
}

impl PendingLogin {
    /// The requests its listener refuses, told as they arrive (a person must see at once why
    /// a callback was not taken, while the login goes on).
    pub fn refusals(&self) -> crate::loopback::Refusals {
        self.listener.refusals()
    }
}

/// A device login waiting for the user's approval.
pub struct PendingDeviceLogin {
    pub started: DeviceLoginStarted,
    authorization: DeviceAuthorization,
    scopes: Vec<String>,
    oidc: Option<Oidc>,
    /// When asked for one shorter than the code's own life.
    timeout: Option<Duration>,
}

/// Where the listener binds and what redirect URI it sends, from the app's registered ones.
///
/// Loopback redirect URIs only (RFC 8252 §7.3), 127.0.0.1 before `localhost`. A URI without a
/// port gets an ephemeral one (the provider must allow any port, as RFC 8252 asks); a URI with
/// a port is used exactly (for providers that match redirect URIs exactly). A `[::1]` URI is
/// not offered: the listener always binds 127.0.0.1 (and [::1] only beside it, for
/// `localhost`).
pub fn loopback_redirect(app: &ClientApp) -> Result<ListenOptions> {
    let mut candidates: Vec<(u8, ListenOptions)> = app
        .redirect_uris
        .iter()
        .filter_map(|uri| {
            let url = Url::parse(uri).ok()?;
            if url.scheme() != "http" || url.query().is_some() || url.fragment().is_some() {
                return None;
            }
            let host = url.host_str()?;
            let rank = match host {
                "127.0.0.1" => 0,
                "localhost" => 1,
                _ => return None,
            };
            Some((
                rank,
                ListenOptions {
                    port: url.port().unwrap_or(0),
                    host: host.to_owned(),
                    path: url.path().to_owned(),
                    timeout: DEFAULT_LOGIN_TIMEOUT,
                },
            ))
        })
        .collect();
    candidates.sort_by_key(|(rank, _)| *rank);
    candidates
        .into_iter()
        .next()
        .map(|(_, options)| options)
        .ok_or_else(|| {
            Error::NotConfigured(format!(
                "“{}” has no loopback redirect URI, which a browser login needs. Add \
                 http://127.0.0.1/callback to the app (and register it at the provider), or \
                 http://localhost:PORT/callback if the provider needs an exact match.",
                app.display_name
            ))
        })
}

/// Why a browser login cannot start when its issuer's metadata cannot be read and none was
/// seen before; of the cause's kind when it is the network's.
fn metadata_unavailable(issuer: &str, cause: Error) -> Error {
    let message = format!(
        "The metadata of {issuer} could not be read, and Authdeck has not seen it before, so it \
         cannot tell whether this provider's callback must carry “iss” (RFC 9207); the sign-in \
         was not started. Try again when the provider answers. ({cause})"
    );
    match cause {
        Error::Timeout(_) => Error::Timeout(message),
        Error::Network(_) => Error::Network(message),
        _ => Error::BadResponse(message),
    }
}

fn login_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl Core {
    /// The issuer facts an OpenID login checks its ID token against; None without `openid`.
    async fn oidc_facts(
        &self,
        environment: &Environment,
        scopes: &[String],
    ) -> Result<Option<Oidc>> {
        if !scopes.iter().any(|scope| scope == "openid") {
            return Ok(None);
        }
        let Some(issuer) = environment.endpoints.issuer_url.clone() else {
            return Err(Error::NotConfigured(format!(
                "Signing in with the “openid” scope needs “{}”'s issuer URL, to check the ID \
                 token. Add it in the environment's settings, or leave out “openid”.",
                environment.name
            )));
        };
        match self.issuer_metadata(&issuer).await?.jwks_uri {
            Some(jwks_url) => Ok(Some(Oidc { issuer, jwks_url })),
            None => Err(Error::BadResponse(format!(
                "The metadata of {issuer} names no jwks_uri, so an ID token could not be \
                 checked. Leave out the “openid” scope to sign in without one."
            ))),
        }
    }

    /// What a browser login's callback must say of its issuer (RFC 9207). With an issuer URL:
    /// that issuer, `iss` required when its metadata promises it — the metadata read now, or
    /// the last seen when it cannot be read; with neither, the sign-in is refused rather than
    /// checked less. Without an issuer URL: the authorization endpoint's origin.
    async fn callback_issuer(
        &self,
        environment: &Environment,
        authorize_url: &str,
    ) -> Result<(Issuer, bool)> {
        let Some(issuer) = environment.endpoints.issuer_url.clone() else {
            let origin = Url::parse(authorize_url)
                .map_err(|e| {
                    Error::NotConfigured(format!(
                        "The authorization URL “{authorize_url}” is not valid ({e})."
                    ))
                })?
                .origin()
                .ascii_serialization();
            return Ok((Issuer::AuthorizationOrigin(origin), false));
        };
        let seen = match self.issuer_metadata(&issuer).await {
            Ok(found) => {
                let seen = SeenMetadata {
                    issuer: issuer.clone(),
                    iss_parameter_supported: found.iss_parameter_supported,
                };
                let now = self.now();
                self.store()?
                    .write(|tx| issuers::remember(tx, &environment.id, &seen, now))?;
                seen
            }
            Err(error) => match issuers::last_seen(&self.store()?.conn, &environment.id)? {
                Some(seen) if seen.issuer == issuer => seen,
                _ => return Err(metadata_unavailable(&issuer, error)),
            },
        };
        Ok((Issuer::Known(issuer), seen.iss_parameter_supported))
    }

    /// An issuer's metadata, discovered on first use in this run (a failure is not kept).
    pub(super) async fn issuer_metadata(&self, issuer: &str) -> Result<IssuerMetadata> {
        let known = self
            .issuers
            .lock()
            .ok()
            .and_then(|issuers| issuers.get(issuer).cloned());
        if let Some(known) = known {
            return Ok(known);
        }
        let found = flows::discover(self.http()?, issuer).await?;
        let metadata = IssuerMetadata {
            jwks_uri: found.jwks_uri,
            iss_parameter_supported: found.iss_parameter_supported,
            auth_methods: found.token_endpoint_auth_methods_supported,
            grant_types: found.grant_types_supported,
            par_endpoint: found.par_endpoint,
            par_required: found.par_required,
            mtls_aliases: found.mtls_endpoint_aliases,
            dpop_algs: found.dpop_signing_alg_values_supported,
        };
        if let Ok(mut issuers) = self.issuers.lock() {
            issuers.insert(issuer.to_owned(), metadata.clone());
        }
        Ok(metadata)
    }

    /// Starts a browser login: binds the loopback listener and builds the authorization URL
    /// (PKCE S256, fresh `state`, `nonce` for OpenID). Open `started.url` in the system
    /// browser, then call [`Core::finish_login`].
    pub async fn start_login(&self, app: &AppId, options: LoginOptions) -> Result<PendingLogin> {
        let credentials = self.credentials(app, None).await?;
        let environment = &credentials.environment;
        let app_row = &credentials.app;
        let authorize_url = environment
            .endpoints
            .authorization_url
            .clone()
            .ok_or_else(|| {
                Error::NotConfigured(format!(
                    "“{}” has no authorization endpoint, which a browser login needs. Add it in \
                     the environment's settings, or fill the endpoints from the issuer.",
                    environment.name
                ))
            })?;
        Self::token_url(environment)?;
        let scopes = requested_scopes(app_row, options.scopes.as_deref())?;
        flows::check_authorize_url(&authorize_url)?;
        let oidc = self.oidc_facts(environment, &scopes).await?;
        let (issuer, iss_required) = self.callback_issuer(environment, &authorize_url).await?;
        let par_url = self.pushed_endpoint(environment, app_row).await?;
        let mut listen = loopback_redirect(app_row)?;
        let timeout = options.timeout.unwrap_or(DEFAULT_LOGIN_TIMEOUT);
        listen.timeout = timeout;
        // RFC 9449 §10: the code is bound to the app's DPoP key, so only its holder redeems it.
        let dpop_jkt = credentials
            .dpop_key
            .as_ref()
            .map(crate::signing_key::PrivateKey::thumbprint)
            .transpose()?;
        let mut extra: Vec<(&str, &str)> = Vec::new();
        if let Some(jkt) = dpop_jkt.as_deref() {
            extra.push(("dpop_jkt", jkt));
        }
        if scopes.iter().any(|scope| scope == "offline_access") {
            // OpenID Connect Core §11: a refresh token for offline access needs consent.
            extra.push(("prompt", "consent"));
        }
        if let Some(resource) = app_row.resource.as_deref() {
            extra.push(("resource", resource));
        }
        if let Some(audience) = app_row.audience.as_deref() {
            extra.push(("audience", audience));
        }
        extra.extend(crate::profile::rules(environment.profile).authorize_params);
        // Nothing listens before the request is known to be good.
        let listener = Listener::bind(listen).await?;
        let redirect_uri = listener.redirect_uri();
        let mut request = flows::authorization_request(&Authorize {
            authorize_url: &authorize_url,
            client_id: &app_row.client_id,
            redirect_uri: &redirect_uri,
            scopes: &scopes,
            extra: &extra,
        })?;
        if let Some(par_url) = &par_url {
            request.url = self
                .pushed_address(&credentials, par_url, &request.url, &authorize_url)
                .await?;
        }
        let expires_at = self.later(timeout).unwrap_or_else(|| self.now());
        Ok(PendingLogin {
            started: LoginStarted {
                login_id: login_id(),
                app_id: app.clone(),
                url: request.url,
                redirect_uri,
                port: listener.port(),
                expires_at,
            },
            listener,
            expected: Expected {
                state: request.state,
                issuer,
                iss_required,
            },
            verifier: request.verifier,
            nonce: request.nonce,
            scopes,
            oidc,
        })
    }

    /// Waits for the browser's callback, exchanges the code and stores the tokens. `Ok(None)`
    /// when `cancel` completed first; nothing listens once this returns.
    pub async fn finish_login(
        &self,
        login: PendingLogin,
        cancel: impl Future<Output = ()>,
    ) -> Result<Option<TokenStatus>> {
        let app = login.started.app_id.clone();
        let redirect_uri = login.started.redirect_uri.clone();
        let code = match login.listener.wait(login.expected, cancel).await? {
            None => return Ok(None),
            Some(Callback::Refused { error, description }) => {
                return Err(Error::Provider {
                    status: 0,
                    message: format!(
                        "The provider refused the sign-in ({error}{}).{}",
                        description
                            .as_deref()
                            .map(|d| format!(": {d}"))
                            .unwrap_or_default(),
                        if error == "access_denied" {
                            " Sign in again and allow access when the provider asks."
                        } else {
                            ""
                        }
                    ),
                    error,
                    description,
                });
            }
            Some(Callback::Code(code)) => code,
        };
        let credentials = self.credentials(&app, None).await?;
        let minted = flows::exchange_code(
            &self.http_for(&credentials)?,
            Self::token_url(&credentials.environment)?,
            credentials.auth(self.clock.as_ref(), &self.dpop_nonces),
            &redirect_uri,
            &code,
            &login.verifier,
        )
        .await?;
        let keep = self
            .keep_login(
                &credentials,
                minted,
                TokenSource::AuthorizationCode,
                login.scopes,
                login.oidc.as_ref(),
                login.nonce.as_deref(),
            )
            .await?;
        self.store_login(&app, keep).await.map(Some)
    }

    /// Starts a device login: asks for a user code to show (with a QR code of the URI).
    pub async fn start_device_login(
        &self,
        app: &AppId,
        options: LoginOptions,
    ) -> Result<PendingDeviceLogin> {
        let credentials = self.credentials(app, None).await?;
        let environment = &credentials.environment;
        let device_url = environment
            .endpoints
            .device_authorization_url
            .clone()
            .ok_or_else(|| {
                Error::NotConfigured(format!(
                    "“{}” has no device authorization endpoint, which a device login needs. Add \
                     it in the environment's settings, or fill the endpoints from the issuer.",
                    environment.name
                ))
            })?;
        Self::token_url(environment)?;
        let scopes = requested_scopes(&credentials.app, options.scopes.as_deref())?;
        let oidc = self.oidc_facts(environment, &scopes).await?;
        let authorization = flows::device_authorization(
            &self.http_for(&credentials)?,
            &device_url,
            credentials.auth(self.clock.as_ref(), &self.dpop_nonces),
            &scopes,
        )
        .await?;
        let shown = authorization
            .verification_uri_complete
            .clone()
            .unwrap_or_else(|| authorization.verification_uri.clone());
        let expires_at = self
            .later(authorization.expires_in)
            .unwrap_or_else(|| self.now());
        Ok(PendingDeviceLogin {
            started: DeviceLoginStarted {
                login_id: login_id(),
                app_id: app.clone(),
                user_code: authorization.user_code.clone(),
                verification_uri: authorization.verification_uri.clone(),
                verification_uri_complete: authorization.verification_uri_complete.clone(),
                qr_svg: qr_svg(&shown)?,
                // what polling does: at least a second apart (flows::device)
                interval_seconds: authorization.interval.as_secs().max(1),
                expires_at,
            },
            authorization,
            scopes,
            oidc,
            timeout: options.timeout,
        })
    }

    /// Polls until the user approves on the other device, then stores the tokens. `Ok(None)`
    /// when `cancel` completed first.
    pub async fn finish_device_login(
        &self,
        login: PendingDeviceLogin,
        cancel: impl Future<Output = ()>,
    ) -> Result<Option<TokenStatus>> {
        let app = login.started.app_id.clone();
        let credentials = self.credentials(&app, None).await?;
        let token_url = Self::token_url(&credentials.environment)?;
        let waited = login
            .timeout
            .unwrap_or(login.authorization.expires_in)
            .min(login.authorization.expires_in);
        let http = self.http_for(&credentials)?;
        let minted = tokio::select! {
            minted = flows::poll_device_token(
                &http,
                token_url,
                credentials.auth(self.clock.as_ref(), &self.dpop_nonces),
                &login.authorization,
            ) => minted?,
            () = tokio::time::sleep(waited) => {
                return Err(Error::Timeout(format!(
                    "Nobody approved the device sign-in within {}; Authdeck stopped asking. \
                     Start it again to get a new code.",
                    crate::status::spoken_duration(waited)
                )));
            }
            () = cancel => return Ok(None),
        };
        let keep = self
            .keep_login(
                &credentials,
                minted,
                TokenSource::DeviceCode,
                login.scopes,
                login.oidc.as_ref(),
                None,
            )
            .await?;
        self.store_login(&app, keep).await.map(Some)
    }

    /// Validates a login's ID token (OpenID) and says what to keep.
    async fn keep_login(
        &self,
        credentials: &Credentials,
        minted: Minted,
        source: TokenSource,
        scopes: Vec<String>,
        oidc: Option<&Oidc>,
        nonce: Option<&str>,
    ) -> Result<Keep> {
        let id_claims = match (oidc, &minted.id_token) {
            (Some(oidc), Some(id_token)) => Some(
                self.check_id_token(credentials, oidc, id_token, nonce)
                    .await?,
            ),
            (Some(oidc), None) => {
                return Err(Error::BadResponse(format!(
                    "{} sent no ID token although “openid” was requested; the sign-in was not \
                     kept.",
                    oidc.issuer
                )));
            }
            (None, _) => None,
        };
        let mut minted = minted;
        if id_claims.is_none() {
            // An ID token that was not checked is not kept.
            minted.id_token = None;
        }
        let refresh_expires_at = self.refresh_expiry(&minted);
        Ok(Keep {
            minted,
            source,
            scopes,
            secret_id: credentials.secret.as_ref().map(|(id, _)| id.clone()),
            id_claims,
            refresh_expires_at,
            refreshed: false,
        })
    }

    /// The time `after` from now.
    fn later(&self, after: Duration) -> Option<Timestamp> {
        self.now().after(after)
    }

    fn refresh_expiry(&self, minted: &Minted) -> Option<Timestamp> {
        minted.refresh_expires_in.and_then(|d| self.later(d))
    }

    async fn check_id_token(
        &self,
        credentials: &Credentials,
        oidc: &Oidc,
        id_token: &Secret,
        nonce: Option<&str>,
    ) -> Result<String> {
        let keys = flows::fetch_jwks(self.http()?, &oidc.jwks_url).await?;
        let claims = flows::validate_id_token(
            id_token,
            &IdTokenCheck {
                issuer: &oidc.issuer,
                client_id: &credentials.app.client_id,
                client_secret: credentials.secret.as_ref().map(|(_, value)| value),
                nonce,
            },
            keys,
        )?;
        Ok(serde_json::Value::Object(claims).to_string())
    }

    /// Stores a login's tokens under the app's token locks (no refresh runs meanwhile).
    async fn store_login(&self, app: &AppId, keep: Keep) -> Result<TokenStatus> {
        let app_row = self.app(app)?;
        let flight = self.flight(app)?;
        let _turn = flight.lock.lock().await;
        let _across_processes = self.process_lock(app).await?;
        let token = self.store_token(app, keep)?;
        // A sign-in is a token got by hand: an import's renewal pause ends with it.
        self.store()?.write(|tx| apps::resume_renewal(tx, app))?;
        self.facts_status(&app_row, Some(token))
    }

    /// Refreshes a login's token; called under the app's token locks by `fetch_token`.
    pub(super) async fn refresh_login(
        &self,
        app: &AppId,
        token: TokenMeta,
        scopes: &[String],
    ) -> Result<TokenMeta> {
        let credentials = self.credentials(app, None).await?;
        let token_url = Self::token_url(&credentials.environment)?.to_owned();
        if tokens::refresh_sent_at(&self.store()?.conn, &token.id)?.is_some() {
            return Err(self.retire_refresh(
                &token,
                "The last refresh of this sign-in never finished, so its refresh token may \
                 already be used up; it was not sent again. Sign in again.",
                Retirement::Unusable,
            ));
        }
        let refresh_token = match self.vault.get(&refresh_account(&token.id)) {
            Ok(value) => value,
            Err(Error::SecretMissing(_)) => {
                return Err(self.retire_refresh(
                    &token,
                    "The refresh token is missing from the keychain. Sign in again.",
                    Retirement::Unusable,
                ));
            }
            Err(other) => return Err(other),
        };
        let sent_at = self.now().unix();
        self.store()?
            .write(|tx| tokens::set_refresh_sent(tx, &token.id, Some(sent_at)))?;
        // Asking again for the scopes of the sign-in is asking for the same grant: no `scope`.
        let narrower: &[String] = if scopes == token.requested_scopes.as_slice() {
            &[]
        } else {
            scopes
        };
        let outcome = flows::refresh(
            &self.http_for(&credentials)?,
            &token_url,
            credentials.auth(self.clock.as_ref(), &self.dpop_nonces),
            &refresh_token,
            narrower,
        )
        .await;
        let mut minted = match outcome {
            Ok(minted) => minted,
            Err(RefreshFailure::Refused(Error::Provider {
                ref error,
                ref message,
                ..
            })) if error == "invalid_grant" => {
                return Err(self.retire_refresh(
                    &token,
                    &format!(
                        "{message} The sign-in has ended (revoked, expired, or its refresh token \
                         reused); sign in again."
                    ),
                    Retirement::Refused,
                ));
            }
            Err(RefreshFailure::Refused(error) | RefreshFailure::NotSent(error)) => {
                // Refused by the provider, or never sent: the refresh token was not used.
                self.store()?
                    .write(|tx| tokens::set_refresh_sent(tx, &token.id, None))?;
                return Err(error);
            }
            Err(RefreshFailure::Lost(error)) => {
                return Err(self.retire_refresh(
                    &token,
                    &format!(
                        "{error} The provider may have used the refresh token without Authdeck \
                         getting the new one, so it is not sent again; sign in again."
                    ),
                    Retirement::Unusable,
                ));
            }
        };
        let rotated = minted.refresh_token.is_some();
        let refresh_expires_at = if rotated {
            self.refresh_expiry(&minted)
        } else {
            minted.refresh_token = Some(refresh_token);
            token.refresh_expires_at
        };
        let (id_claims, id_problem) = self
            .refreshed_id_token(&credentials, &token, &mut minted)
            .await;
        let kept = self.store_token(
            app,
            Keep {
                minted,
                source: token.source,
                scopes: if narrower.is_empty() {
                    token.requested_scopes.clone()
                } else {
                    scopes.to_vec()
                },
                secret_id: credentials.secret.as_ref().map(|(id, _)| id.clone()),
                id_claims,
                refresh_expires_at,
                refreshed: true,
            },
        );
        match kept {
            Ok(stored) => {
                if let Some(problem) = id_problem {
                    self.store()?
                        .write(|tx| tokens::set_renew_error(tx, app, Some(&problem)))?;
                }
                Ok(stored)
            }
            Err(error) => Err(self.retire_refresh(
                &token,
                &format!(
                    "The refreshed tokens could not be stored ({error}); the old refresh token \
                     is used up, so sign in again."
                ),
                Retirement::Unusable,
            )),
        }
    }

    /// The ID token to keep after a refresh: a new one that passes validation, else the one
    /// the sign-in got (with the reason a new one was refused).
    async fn refreshed_id_token(
        &self,
        credentials: &Credentials,
        token: &TokenMeta,
        minted: &mut Minted,
    ) -> (Option<String>, Option<String>) {
        let environment = &credentials.environment;
        let previous = || -> Option<(Secret, String)> {
            if !token.has_id_token {
                return None;
            }
            let value = self.vault.get(&id_token_account(&token.id)).ok()?;
            let claims = tokens::id_claims(&self.store().ok()?.conn, &token.id).ok()??;
            Some((value, claims))
        };
        let Some(new) = minted.id_token.take() else {
            let kept = previous();
            minted.id_token = kept.as_ref().map(|(value, _)| value.clone());
            return (kept.map(|(_, claims)| claims), None);
        };
        let checked = match self.oidc_facts(environment, &["openid".to_owned()]).await {
            Ok(Some(oidc)) => self.check_id_token(credentials, &oidc, &new, None).await,
            Ok(None) => Err(Error::NotConfigured("no issuer to check it against".into())),
            Err(error) => Err(error),
        };
        match checked {
            Ok(claims) => {
                minted.id_token = Some(new);
                (Some(claims), None)
            }
            Err(error) => {
                let kept = previous();
                minted.id_token = kept.as_ref().map(|(value, _)| value.clone());
                (
                    kept.map(|(_, claims)| claims),
                    Some(format!(
                        "The refreshed ID token was not kept ({error}); the sign-in's one is \
                         shown. Automatic renewal waits for a manual one."
                    )),
                )
            }
        }
    }

    /// Retires a token's refresh token (deleted from the keychain, the row says why, and
    /// whether the sign-in has ended) and returns the "sign in again" error to show.
    fn retire_refresh(&self, token: &TokenMeta, why: &str, retirement: Retirement) -> Error {
        let intent = Intent::delete(refresh_account(&token.id));
        let now = self.now();
        let ended_at = (retirement == Retirement::Refused).then_some(now);
        let recorded = self.store().and_then(|mut store| {
            store.write(|tx| {
                tokens::drop_refresh(tx, &token.id, why, ended_at)?;
                intents::record(tx, &intent, now)
            })
        });
        if recorded.is_ok() && self.vault.delete(&intent.account).is_ok() {
            let _ = self
                .store()
                .and_then(|mut store| store.write(|tx| intents::finish(tx, &intent)));
        }
        Error::LoginRequired(why.to_owned())
    }
}

/// Why a refresh token is retired, which decides what becomes of its access token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Retirement {
    /// Authdeck cannot send it (missing, perhaps spent, its answer lost): the sign-in may well
    /// hold at the provider, so the access token still serves until it expires.
    Unusable,
    /// The provider refused it (`invalid_grant`): the grant is gone, and with it (RFC 7009
    /// §2.1) most likely the access token, which is no longer handed out.
    Refused,
}

/// A QR code of `text` as an SVG document.
fn qr_svg(text: &str) -> Result<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| {
        Error::BadResponse(format!(
            "The verification URI cannot be shown as a QR code ({e})."
        ))
    })?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(180, 180)
        .quiet_zone(true)
        .build())
}
