//! Token exchange (RFC 8693): an app trades another app's current access token for a token of
//! its own, kept as the app's token (source `token_exchange`) by the usual crash-safe store.

use super::Core;
use super::tokens::{Fetch, Keep, requested_scopes};
use crate::error::{Error, Result};
use crate::flows::{self, TOKEN_EXCHANGE_GRANT, TokenExchange};
use crate::model::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

/// What to ask for in a token exchange.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ExchangeRequest {
    /// The app whose current access token is the subject token (minted first if needed).
    pub subject_app: AppId,
    /// The app whose current access token is the actor token (RFC 8693 §2.1): the party
    /// acting for the subject (minted first if needed); None for no actor.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub actor_app: Option<AppId>,
    #[serde(default)]
    pub audiences: Vec<String>,
    #[serde(default)]
    pub resources: Vec<String>,
    /// None asks for no particular scope (the server decides, at most the subject's).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub scopes: Option<Vec<String>>,
    /// A token-type URI (RFC 8693 §3); None lets the server choose.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub requested_token_type: Option<String>,
}

/// The part of an exchange request a failure is about, so a form shows it next to that part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum ExchangePart {
    /// The subject token: the subject app has none to give, or the provider no longer takes it
    /// (`invalid_grant`).
    Subject,
    /// The actor token: the actor app has none to give, or the provider refused it (an
    /// `invalid_request` whose description names the actor token: RFC 8693 §2.2.2 gives both
    /// tokens that one code, so only the description tells them apart).
    Actor,
    /// The grant itself: the provider's metadata does not list it, or the provider does not
    /// offer it to this client (`unsupported_grant_type`, `unauthorized_client`).
    Grant,
    /// The audiences and resources asked for (`invalid_target`).
    Target,
    /// The scopes asked for (`invalid_scope`, or a scope that is not one).
    Scope,
    /// Anything else (the app's own credentials, the network, the answer).
    Request,
}

/// A failed token exchange: the error, and which part of the request it is about.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{error}")]
pub struct ExchangeFailure {
    pub part: ExchangePart,
    pub error: Error,
}

impl From<ExchangeFailure> for Error {
    fn from(failure: ExchangeFailure) -> Self {
        failure.error
    }
}

/// Tags every error of one step with the part it is about.
fn about<T>(part: ExchangePart, outcome: Result<T>) -> std::result::Result<T, ExchangeFailure> {
    outcome.map_err(|error| ExchangeFailure { part, error })
}

/// The part a provider's refusal of the exchange is about, by its RFC 8693 §2.2.2 code.
fn refused_part(error: &Error) -> ExchangePart {
    match error {
        Error::Provider {
            error, description, ..
        } if matches!(error.as_str(), "invalid_request" | "invalid_grant")
            && description
                .as_deref()
                .is_some_and(|text| text.to_ascii_lowercase().contains("actor")) =>
        {
            ExchangePart::Actor
        }
        Error::Provider { error, .. } => match error.as_str() {
            "invalid_grant" => ExchangePart::Subject,
            "unsupported_grant_type" | "unauthorized_client" => ExchangePart::Grant,
            "invalid_target" => ExchangePart::Target,
            "invalid_scope" => ExchangePart::Scope,
            _ => ExchangePart::Request,
        },
        _ => ExchangePart::Request,
    }
}

impl Core {
    /// Exchanges the subject app's token for a token of `app`, which replaces `app`'s token
    /// only when the provider answered with one; a refusal keeps the previous token.
    pub async fn exchange_token(
        &self,
        app: &AppId,
        request: &ExchangeRequest,
    ) -> std::result::Result<TokenStatus, ExchangeFailure> {
        use ExchangePart::*;
        let app_row = about(Request, self.app(app))?;
        let scopes = match &request.scopes {
            Some(given) => about(Scope, requested_scopes(&app_row, Some(given)))?,
            None => Vec::new(),
        };
        about(Grant, self.check_exchange_listed(&app_row).await)?;
        about(
            Subject,
            self.fetch_token(
                &request.subject_app,
                TokenRequestInput::default(),
                Fetch::IfNeeded {
                    min_valid_seconds: 10,
                },
            )
            .await,
        )?;
        let (_, subject_token) = about(Subject, self.token_value(&request.subject_app))?;
        let actor_token = match &request.actor_app {
            Some(actor) => {
                about(
                    Actor,
                    self.fetch_token(
                        actor,
                        TokenRequestInput::default(),
                        Fetch::IfNeeded {
                            min_valid_seconds: 10,
                        },
                    )
                    .await,
                )?;
                Some(about(Actor, self.token_value(actor))?.1)
            }
            None => None,
        };
        let flight = about(Request, self.flight(app))?;
        let _turn = flight.lock.lock().await;
        let _across_processes = about(Request, self.process_lock(app).await)?;
        let credentials = about(Request, self.credentials(app, None).await)?;
        let token_url = about(Request, Self::token_url(&credentials.environment))?;
        let minted = flows::exchange_token(
            &about(Request, self.http_for(&credentials))?,
            &TokenExchange {
                token_url,
                auth: credentials.auth(self.clock.as_ref(), &self.dpop_nonces),
                subject_token: &subject_token,
                actor_token: actor_token.as_ref(),
                audiences: &request.audiences,
                resources: &request.resources,
                scopes: &scopes,
                requested_token_type: request.requested_token_type.as_deref(),
            },
        )
        .await
        .map_err(|error| ExchangeFailure {
            part: refused_part(&error),
            error,
        })?;
        let token = about(
            Request,
            self.store_token(
                app,
                Keep {
                    minted,
                    source: TokenSource::TokenExchange,
                    scopes,
                    secret_id: credentials.secret.as_ref().map(|(id, _)| id.clone()),
                    id_claims: None,
                    refresh_expires_at: None,
                    refreshed: false,
                },
            ),
        )?;
        about(Request, self.facts_status(&app_row, Some(token)))
    }

    /// Refuses the exchange before anything is sent when the environment's issuer publishes
    /// `grant_types_supported` without the token-exchange grant. Says nothing when there is no
    /// issuer, its metadata cannot be read or lists no grants: the provider's answer judges.
    async fn check_exchange_listed(&self, app: &ClientApp) -> Result<()> {
        let environment = self.environment(&app.environment_id)?;
        let Some(issuer) = environment.endpoints.issuer_url.as_deref() else {
            return Ok(());
        };
        let Ok(metadata) = self.issuer_metadata(issuer).await else {
            return Ok(());
        };
        let listed = &metadata.grant_types;
        if listed.is_empty() || listed.iter().any(|grant| grant == TOKEN_EXCHANGE_GRANT) {
            return Ok(());
        }
        Err(Error::NotConfigured(format!(
            "The provider of “{}” does not offer token exchange: its metadata's \
             grant_types_supported lists {}, not {TOKEN_EXCHANGE_GRANT}; nothing was sent.",
            environment.name,
            listed.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(code: &str) -> Error {
        Error::Provider {
            status: 400,
            error: code.into(),
            description: None,
            message: String::new(),
        }
    }

    #[test]
    fn a_refusal_is_about_the_part_its_code_names() {
        assert_eq!(
            refused_part(&refusal("invalid_grant")),
            ExchangePart::Subject
        );
        assert_eq!(
            refused_part(&refusal("unsupported_grant_type")),
            ExchangePart::Grant
        );
        assert_eq!(
            refused_part(&refusal("unauthorized_client")),
            ExchangePart::Grant
        );
        assert_eq!(
            refused_part(&refusal("invalid_target")),
            ExchangePart::Target
        );
        assert_eq!(refused_part(&refusal("invalid_scope")), ExchangePart::Scope);
        let about_actor = Error::Provider {
            status: 400,
            error: "invalid_request".into(),
            description: Some("actor_token is invalid or expired".into()),
            message: String::new(),
        };
        assert_eq!(refused_part(&about_actor), ExchangePart::Actor);
        assert_eq!(
            refused_part(&refusal("invalid_request")),
            ExchangePart::Request
        );
        assert_eq!(
            refused_part(&Error::Network("down".into())),
            ExchangePart::Request
        );
    }
}
