//! The authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636) as RFC 8252 and RFC 9700
//! want it for a native app: S256 always, a fresh verifier from 32 random bytes and a fresh
//! `state` per attempt, a `nonce` when `openid` is asked for, and the exact redirect URI in the
//! exchange. Refresh (RFC 6749 §6) returns the rotated refresh token for the caller to store
//! before it uses the new access token.

use super::client_credentials::minted_from;
use super::{ClientAuth, Doing, Exchange, Minted, oauth_client, request_error};
use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::model::Secret;
use oauth2::{
    AuthUrl, AuthorizationCode, CsrfToken, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RefreshToken, RequestTokenError, Scope, TokenUrl,
};
use std::borrow::Cow;

/// One sign-in attempt: the URL to open and what its callback and exchange must match.
#[derive(Debug)]
pub struct AuthorizationRequest {
    /// The authorization URL, for the system browser.
    pub url: String,
    /// This attempt's `state` (32 random bytes, base64url).
    pub state: String,
    /// The PKCE verifier; only its S256 challenge is in the URL.
    pub verifier: Secret,
    /// The `nonce` sent when `openid` is requested, for the ID token check.
    pub nonce: Option<String>,
}

/// What an authorization request asks for.
#[derive(Clone, Debug)]
pub struct Authorize<'a> {
    pub authorize_url: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scopes: &'a [String],
    /// Extra parameters (`prompt`, `resource`, `audience` ...).
    pub extra: &'a [(&'a str, &'a str)],
}

fn not_configured(what: &str, url: &str, error: impl std::fmt::Display) -> Error {
    Error::NotConfigured(format!("The {what} “{url}” is not valid ({error})."))
}

/// Checks that an authorization URL is one Authdeck sends a browser to (https, or http on
/// loopback).
pub fn check_authorize_url(url: &str) -> Result<AuthUrl> {
    crate::http::check_target(
        &url::Url::parse(url).map_err(|e| not_configured("authorization URL", url, e))?,
    )
    .map_err(|e| Error::NotConfigured(e.to_string()))?;
    AuthUrl::new(url.to_owned()).map_err(|e| not_configured("authorization URL", url, e))
}

/// Builds a sign-in attempt with fresh `state`, PKCE verifier and (for OpenID) `nonce`.
pub fn authorization_request(request: &Authorize<'_>) -> Result<AuthorizationRequest> {
    let auth_url = check_authorize_url(request.authorize_url)?;
    let redirect = RedirectUrl::new(request.redirect_uri.to_owned())
        .map_err(|e| not_configured("redirect URI", request.redirect_uri, e))?;
    let auth = ClientAuth {
        client_id: request.client_id,
        secret: None,
        method: crate::model::AuthMethod::None,
        profile: crate::model::ProviderProfile::Standard,
        assertion: None,
        dpop: None,
    };
    let client = oauth_client(&auth)
        .set_auth_uri(auth_url)
        .set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let openid = request.scopes.iter().any(|scope| scope == "openid");
    let nonce = openid.then(|| CsrfToken::new_random_len(32).secret().clone());
    let mut builder = client
        .authorize_url(|| CsrfToken::new_random_len(32))
        .add_scopes(request.scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge);
    if let Some(nonce) = &nonce {
        builder = builder.add_extra_param("nonce", nonce.clone());
    }
    for (name, value) in request.extra {
        builder = builder.add_extra_param(*name, *value);
    }
    let (url, state) = builder.url();
    Ok(AuthorizationRequest {
        url: url.to_string(),
        state: state.secret().clone(),
        verifier: Secret::new(verifier.secret().clone()),
        nonce,
    })
}

/// Exchanges a code for tokens with the verifier and the exact redirect URI; public clients
/// send no secret, confidential ones authenticate by their method.
pub async fn exchange_code(
    http: &HttpClient,
    token_url: &str,
    auth: ClientAuth<'_>,
    redirect_uri: &str,
    code: &Secret,
    verifier: &Secret,
) -> Result<Minted> {
    let doing = Doing {
        what: "The code exchange",
        url: token_url,
        scopes: &[],
    };
    let client = oauth_client(&auth).set_token_uri(
        TokenUrl::new(token_url.to_owned())
            .map_err(|e| not_configured("token URL", token_url, e))?,
    );
    let redirect = RedirectUrl::new(redirect_uri.to_owned())
        .map_err(|e| not_configured("redirect URI", redirect_uri, e))?;
    let exchange = Exchange::token(http, &auth);
    let response = client
        .exchange_code(AuthorizationCode::new(code.expose().to_owned()))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier.expose().to_owned()))
        .set_redirect_uri(Cow::Owned(redirect))
        .request_async(&exchange)
        .await
        .map_err(|error| request_error(error, &exchange, &doing))?;
    minted_from(&response, &doing, auth.dpop.is_some())
}

/// Why a refresh failed, told by what it means for the refresh token.
#[derive(Debug)]
pub enum RefreshFailure {
    /// Nothing reached the server (the URL was refused, no connection could be made): the
    /// refresh token is unspent.
    NotSent(Error),
    /// The server answered with an OAuth error (RFC 6749 §5.2): spent only if `invalid_grant`.
    Refused(Error),
    /// The request left and no usable answer came back (the connection broke, a timeout, a
    /// server error page, an unreadable body): the server may have spent the refresh token.
    Lost(Error),
}

/// Uses a refresh token; the response's rotated refresh token (if any) is in `Minted`.
pub async fn refresh(
    http: &HttpClient,
    token_url: &str,
    auth: ClientAuth<'_>,
    refresh_token: &Secret,
    scopes: &[String],
) -> Result<Minted, RefreshFailure> {
    let doing = Doing {
        what: "The refresh",
        url: token_url,
        scopes,
    };
    let client = oauth_client(&auth).set_token_uri(
        TokenUrl::new(token_url.to_owned())
            .map_err(|e| RefreshFailure::NotSent(not_configured("token URL", token_url, e)))?,
    );
    let exchange = Exchange::token(http, &auth);
    let token = RefreshToken::new(refresh_token.expose().to_owned());
    let response = client
        .exchange_refresh_token(&token)
        .add_scopes(scopes.iter().cloned().map(Scope::new))
        .request_async(&exchange)
        .await
        .map_err(|error| {
            let failure = match &error {
                RequestTokenError::Request(net) if net.sent_nothing() => RefreshFailure::NotSent,
                RequestTokenError::ServerResponse(_) => RefreshFailure::Refused,
                _ => RefreshFailure::Lost,
            };
            failure(request_error(error, &exchange, &doing))
        })?;
    minted_from(&response, &doing, auth.dpop.is_some()).map_err(RefreshFailure::Lost)
}
