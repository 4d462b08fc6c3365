//! Token exchange (RFC 8693): an app trades another app's current access token for a token of
//! its own, kept as the app's token (source `token_exchange`) by the usual crash-safe store.

use super::Core;
use super::tokens::{Fetch, Keep, requested_scopes};
use crate::error::Result;
use crate::flows::{self, TokenExchange};
use crate::model::*;

/// What to ask for in a token exchange.
#[derive(Clone, Debug, Default)]
pub struct ExchangeRequest {
    /// The app whose current access token is the subject token (minted first if needed).
    pub subject_app: AppId,
    pub audiences: Vec<String>,
    pub resources: Vec<String>,
    /// None asks for no particular scope (the server decides, at most the subject's).
    pub scopes: Option<Vec<String>>,
    pub requested_token_type: Option<String>,
}

impl Core {
    /// Exchanges the subject app's token for a token of `app`, which replaces `app`'s token
    /// only when the provider answered with one; a refusal keeps the previous token.
    pub async fn exchange_token(
        &self,
        app: &AppId,
        request: &ExchangeRequest,
    ) -> Result<TokenStatus> {
        let app_row = self.app(app)?;
        let scopes = match &request.scopes {
            Some(given) => requested_scopes(&app_row, Some(given))?,
            None => Vec::new(),
        };
        self.fetch_token(
            &request.subject_app,
            TokenRequestInput::default(),
            Fetch::IfNeeded {
                min_valid_seconds: 10,
            },
        )
        .await?;
        let (_, subject_token) = self.token_value(&request.subject_app)?;
        let flight = self.flight(app)?;
        let _turn = flight.lock.lock().await;
        let _across_processes = self.process_lock(app).await?;
        let credentials = self.credentials(app, None).await?;
        let minted = flows::exchange_token(
            &self.http_for(&credentials)?,
            &TokenExchange {
                token_url: Self::token_url(&credentials.environment)?,
                auth: credentials.auth(self.clock.as_ref(), &self.dpop_nonces),
                subject_token: &subject_token,
                audiences: &request.audiences,
                resources: &request.resources,
                scopes: &scopes,
                requested_token_type: request.requested_token_type.as_deref(),
            },
        )
        .await?;
        let token = self.store_token(
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
        )?;
        self.facts_status(&app_row, Some(token))
    }
}
