//! Signing in to a team vault through its OIDC auth method: the vault builds the provider's
//! authorization URL (its own state, nonce and PKCE) for Authdeck's loopback callback, the
//! person signs in in the system browser, and the vault redeems the code the browser brings
//! back, giving its client token — kept in the keychain exactly as the other methods' tokens.
//!
//! Two steps, like the browser login (`login.rs`), so the caller shows the URL and offers a
//! cancel while it waits: [`Core::start_team_oidc`] binds the listener (the callback's port
//! goes into the vault's request) and asks the vault, closing it again when the vault refuses;
//! [`Core::finish_team_oidc`] waits for the callback and keeps the token. Nothing is stored
//! before the vault has given a token it then accepts.

use super::Core;
use super::login::DEFAULT_LOGIN_TIMEOUT;
use crate::error::{Error, Result};
use crate::loopback::{Callback, Expected, Issuer, ListenOptions, Listener, Refusals};
use crate::model::{Secret, Timestamp};
use crate::team::{SignIn, TeamStatus, TeamVault, TeamVaultInput};
use std::future::Future;
use std::time::Duration;

/// The vault's usual callback path (what its CLI listens on).
const CALLBACK_PATH: &str = "/oidc/callback";

/// Which connection an OIDC sign-in is for.
#[derive(Debug)]
pub enum TeamSignInFor {
    /// A new connection (`team add`); its `credential` is not used.
    Add(TeamVaultInput),
    /// A known connection (`team login`), with the sign-in to use instead of its kept one.
    Login {
        name: String,
        sign_in: Option<SignIn>,
    },
}

/// What an OIDC sign-in under way shows the person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamSignInStarted {
    pub team: String,
    /// The provider's authorization URL, for the system browser or for copying.
    pub url: String,
    /// The vault's callback the provider sends the browser back to.
    pub redirect_uri: String,
    /// The loopback port the listener waits on.
    pub port: u16,
    /// When the listener gives up.
    pub expires_at: Timestamp,
}

/// An OIDC sign-in to a team vault waiting for its callback.
pub struct PendingTeamSignIn {
    pub started: TeamSignInStarted,
    vault: TeamVault,
    /// A connection `team add` makes, kept only once the sign-in succeeds.
    new: bool,
    listener: Listener,
    expected: Expected,
    /// Authdeck's half of the sign-in, which the vault's callback must be given again: a
    /// callback taken by another program cannot be redeemed without it.
    client_nonce: Secret,
}

impl PendingTeamSignIn {
    /// The callbacks its listener refuses (a forged or old one), told as they arrive.
    pub fn refusals(&self) -> Refusals {
        self.listener.refusals()
    }
}

impl Core {
    /// Starts an OIDC sign-in: checks the connection, asks the vault for the provider's
    /// authorization URL for the role and the loopback callback, and binds the listener. Open
    /// `started.url` in the system browser, then call [`Core::finish_team_oidc`].
    pub async fn start_team_oidc(
        &self,
        target: TeamSignInFor,
        timeout: Option<Duration>,
    ) -> Result<PendingTeamSignIn> {
        let (vault, new) = match target {
            TeamSignInFor::Add(input) => (self.new_team(&input)?, true),
            TeamSignInFor::Login { name, sign_in } => {
                (self.team_signing_in(&name, sign_in)?, false)
            }
        };
        let SignIn::Oidc {
            role,
            mount,
            callback_port,
        } = &vault.sign_in
        else {
            return Err(Error::invalid(
                "method",
                format!(
                    "“{}” signs in with {}, not in the browser: give its {}.",
                    vault.name,
                    vault.sign_in.method(),
                    vault.sign_in.credential_name()
                ),
            ));
        };
        let timeout = timeout.unwrap_or(DEFAULT_LOGIN_TIMEOUT);
        // The vault's usual callback host: roles allow `localhost`, and the listener holds both
        // of its addresses.
        let listener = Listener::bind(ListenOptions {
            port: *callback_port,
            host: "localhost".into(),
            path: CALLBACK_PATH.into(),
            timeout,
        })
        .await
        .map_err(|error| match (error, *callback_port) {
            (Error::Network(_), port) if port != 0 => Error::Network(format!(
                "Could not listen on localhost:{port} for the vault's OIDC callback: another \
                 program uses that port (another sign-in, or the vault CLI's own OIDC login). \
                 Close it, or sign in with --callback-port set to a port the vault's role \
                 allows."
            )),
            (error, _) => error,
        })?;
        let redirect_uri = listener.redirect_uri();
        let client_nonce = Secret::new(oauth2::CsrfToken::new_random_len(32).secret());
        let none = Secret::new("");
        let url = self
            .team_client(&vault, &none)?
            .oidc_auth_url(mount, role.as_deref(), &redirect_uri, client_nonce.expose())
            .await?;
        let state = state_of(&url).ok_or_else(|| {
            Error::BadResponse(format!(
                "The team vault “{}” gave an authorization URL without a state; it cannot be \
                 told from a forged one, so the sign-in was not started.",
                vault.name
            ))
        })?;
        Ok(PendingTeamSignIn {
            started: TeamSignInStarted {
                team: vault.name.clone(),
                url,
                redirect_uri,
                port: listener.port(),
                expires_at: self.now().after(timeout).unwrap_or_else(|| self.now()),
            },
            vault,
            new,
            listener,
            expected: Expected {
                state,
                issuer: Issuer::RedeemedByVault,
                iss_required: false,
            },
            client_nonce,
        })
    }

    /// Waits for the browser's callback, has the vault redeem it and keeps the token it gives
    /// (with the connection, for `team add`). `Ok(None)` when `cancel` completed first;
    /// nothing listens once this returns, and nothing is stored on any failure.
    pub async fn finish_team_oidc(
        &self,
        pending: PendingTeamSignIn,
        cancel: impl Future<Output = ()>,
    ) -> Result<Option<TeamStatus>> {
        let vault = &pending.vault;
        let state = pending.expected.state.clone();
        let code = match pending.listener.wait(pending.expected, cancel).await? {
            None => return Ok(None),
            Some(Callback::Refused { error, description }) => {
                return Err(refused_at_provider(vault, error, description));
            }
            Some(Callback::Code(code)) => code,
        };
        let SignIn::Oidc { mount, .. } = &vault.sign_in else {
            return Err(Error::Internal("an OIDC sign-in without its method".into()));
        };
        let none = Secret::new("");
        let token = self
            .team_client(vault, &none)?
            .oidc_callback(mount, &state, &code, pending.client_nonce.expose())
            .await?;
        let status = if pending.new {
            self.keep_new_team(vault, &token).await?
        } else {
            self.keep_team_token(vault, &token).await?
        };
        Ok(Some(status))
    }
}

/// The `state` of the vault's authorization URL, which the callback must carry back.
fn state_of(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    let state = url
        .query_pairs()
        .find(|(name, _)| name == "state")
        .map(|(_, value)| value.into_owned());
    state.filter(|state| !state.is_empty())
}

/// The identity provider's refusal, brought back by the browser (`error=access_denied` ...).
fn refused_at_provider(vault: &TeamVault, error: String, description: Option<String>) -> Error {
    Error::Provider {
        status: 0,
        message: format!(
            "The identity provider of the team vault “{}” refused the sign-in ({error}{}); \
             nothing was stored.{}",
            vault.name,
            description
                .as_deref()
                .map(|d| format!(": {}", crate::flows::clip(d, 200)))
                .unwrap_or_default(),
            if error == "access_denied" {
                " Sign in again and allow access when the provider asks."
            } else {
                ""
            }
        ),
        error,
        description,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_is_read_from_the_vaults_authorization_url() {
        let url = "https://id.example.com/auth?client_id=c&state=st_abc%2B1&nonce=n";
        assert_eq!(state_of(url).as_deref(), Some("st_abc+1"));
        assert_eq!(state_of("https://id.example.com/auth?state="), None);
        assert_eq!(state_of("https://id.example.com/auth"), None);
    }
}
