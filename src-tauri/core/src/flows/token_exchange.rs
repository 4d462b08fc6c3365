//! OAuth 2.0 Token Exchange (RFC 8693): one token request that trades a subject token for a
//! new token of the requesting client. oauth2 has no such grant, so the form is built here and
//! sent through the same [`Exchange`] transport (JWT assertion, DPoP proof) as every token
//! request.

use super::client_credentials::minted_from;
use super::{
    ClientAuth, Doing, Exchange, Minted, TokenResponse, clip, net_error, parse_json,
    provider_error, unexpected_answer,
};
use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::model::{AuthMethod, Secret};
use oauth2::AsyncHttpClient;

/// The grant type of a token exchange (RFC 8693 §2.1).
pub const TOKEN_EXCHANGE_GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// The type of a subject token that is an OAuth access token (RFC 8693 §3).
pub const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

/// One token-exchange request.
#[derive(Clone, Debug)]
pub struct TokenExchange<'a> {
    pub token_url: &'a str,
    pub auth: ClientAuth<'a>,
    /// An access token, sent as `subject_token`.
    pub subject_token: &'a Secret,
    /// An access token of the party acting for the subject, sent as `actor_token` (§2.1).
    pub actor_token: Option<&'a Secret>,
    pub audiences: &'a [String],
    pub resources: &'a [String],
    pub scopes: &'a [String],
    pub requested_token_type: Option<&'a str>,
}

/// Exchanges the subject token; the answer's `issued_token_type` is required (RFC 8693
/// §2.2.1), so one without it is a bad answer and nothing is kept.
pub async fn exchange_token(http: &HttpClient, request: &TokenExchange<'_>) -> Result<Minted> {
    let doing = Doing {
        what: "The token exchange",
        url: request.token_url,
        scopes: request.scopes,
    };
    let scope = request.scopes.join(" ");
    let mut params: Vec<(&str, &str)> = vec![
        ("grant_type", TOKEN_EXCHANGE_GRANT),
        ("subject_token", request.subject_token.expose()),
        ("subject_token_type", ACCESS_TOKEN_TYPE),
    ];
    if let Some(actor) = request.actor_token {
        params.push(("actor_token", actor.expose()));
        params.push(("actor_token_type", ACCESS_TOKEN_TYPE));
    }
    params.extend(request.audiences.iter().map(|a| ("audience", a.as_str())));
    params.extend(request.resources.iter().map(|r| ("resource", r.as_str())));
    if !scope.is_empty() {
        params.push(("scope", &scope));
    }
    if let Some(kind) = request.requested_token_type {
        params.push(("requested_token_type", kind));
    }
    // As oauth2 does for its grants: a JWT method's form names only the client, and the
    // transport adds a fresh assertion to each send (a DPoP nonce retry needs a new `jti`).
    let form_auth = match request.auth.method {
        AuthMethod::ClientSecretJwt | AuthMethod::PrivateKeyJwt => ClientAuth {
            method: AuthMethod::None,
            secret: None,
            ..request.auth
        },
        _ => request.auth,
    };
    let form = super::client_form_post(request.token_url, &form_auth, &params)?;
    let exchange = Exchange::token(http, &request.auth);
    let response = exchange.call(form).await.map_err(net_error)?;
    let status = response.status().as_u16();
    let media = exchange
        .seen()
        .map(|seen| seen.media_type)
        .unwrap_or_default();
    let json: Option<serde_json::Value> = serde_json::from_slice(response.body()).ok();
    if status != 200 {
        let said = |field: &str| {
            json.as_ref()
                .and_then(|json| json.get(field))
                .and_then(serde_json::Value::as_str)
        };
        return Err(match said("error") {
            Some(code) => provider_error(
                status,
                clip(code, 100),
                said("error_description").map(|text| clip(text, 300)),
                &doing,
            ),
            None => unexpected_answer(status, &media, &doing),
        });
    }
    let Some(json) = json.filter(serde_json::Value::is_object) else {
        return Err(unexpected_answer(status, &media, &doing));
    };
    let answer: TokenResponse = parse_json(response.body()).map_err(|problem| {
        Error::BadResponse(format!(
            "{} to {} got a response Authdeck cannot read: {problem}.",
            doing.what,
            doing.host()
        ))
    })?;
    let issued = issued_token_type(&json, &doing)?;
    let mut minted = minted_from(&answer, &doing, request.auth.dpop.is_some())?;
    minted.issued_token_type = Some(issued);
    Ok(minted)
}

/// The answer's `issued_token_type`, or why the answer is refused without it.
fn issued_token_type(json: &serde_json::Value, doing: &Doing<'_>) -> Result<String> {
    match json
        .get("issued_token_type")
        .and_then(serde_json::Value::as_str)
    {
        Some(kind) if !kind.is_empty() && kind.chars().all(|c| (' '..='~').contains(&c)) => {
            Ok(kind.to_owned())
        }
        _ => Err(Error::BadResponse(format!(
            "{} to {} got an answer without a usable issued_token_type (RFC 8693 §2.2.1 \
             requires it); the token was not stored.",
            doing.what,
            doing.host()
        ))),
    }
}
