//! The client credentials grant (RFC 6749 §4.4).

use super::lifetime::{lifetime, lifetime_of};
use super::{ClientAuth, Doing, Exchange, oauth_client, request_error, token_type_name};
use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::model::{Secret, Timestamp};
use oauth2::{Scope, TokenResponse, TokenUrl};
use std::time::Duration;

/// One client-credentials token request.
#[derive(Clone, Debug)]
pub struct ClientCredentials<'a> {
    pub token_url: &'a str,
    pub auth: ClientAuth<'a>,
    pub scopes: &'a [String],
    /// Extra `audience` parameter.
    pub audience: Option<&'a str>,
    /// Extra `resource` parameter (RFC 8707).
    pub resource: Option<&'a str>,
}

/// A token the server issued.
#[derive(Debug)]
pub struct Minted {
    pub access_token: Secret,
    pub token_type: String,
    pub expires_in: Option<Duration>,
    /// The response's `scope`, when it sent one.
    pub scopes: Option<Vec<String>>,
    /// The response's `created_at` (seconds since the epoch), when it sent one.
    pub created_at: Option<i64>,
    /// A refresh token, when the grant issues one (rotated on each refresh by most servers).
    pub refresh_token: Option<Secret>,
    /// An OpenID Connect ID token (not validated here).
    pub id_token: Option<Secret>,
    /// How long the refresh token lives, when the provider says.
    pub refresh_expires_in: Option<Duration>,
    /// The API base the answer named for this token (Salesforce's `instance_url`), when it is
    /// an address Authdeck would send the token to (https, or http on loopback).
    pub instance_url: Option<String>,
    /// The `issued_token_type` of a token exchange's answer (RFC 8693 §2.2.1).
    pub issued_token_type: Option<String>,
}

impl Minted {
    /// When the access token expires if it was issued at `issued_at`; None when the provider
    /// did not say; an error naming `expires_in` when the lifetime is absurd.
    pub(crate) fn expires_at(&self, issued_at: Timestamp) -> Result<Option<Timestamp>> {
        self.expires_in
            .map(|lifetime| super::expiry("The provider", "expires_in", issued_at, lifetime))
            .transpose()
    }
}

/// Requests a token with the client's own credentials.
pub async fn client_credentials(
    http: &HttpClient,
    request: &ClientCredentials<'_>,
) -> Result<Minted> {
    let doing = Doing {
        what: "The token request",
        url: request.token_url,
        scopes: request.scopes,
    };
    let token_url = TokenUrl::new(request.token_url.to_owned()).map_err(|e| {
        Error::NotConfigured(format!(
            "The token URL “{}” is not valid ({e}).",
            request.token_url
        ))
    })?;
    let shape = crate::profile::shape_client_credentials(
        request.auth.profile,
        request.scopes,
        request.audience,
        request.resource,
    )?;
    let doing = Doing {
        scopes: &shape.scopes,
        ..doing
    };
    let client = oauth_client(&request.auth).set_token_uri(token_url);
    let mut exchange_request = client
        .exchange_client_credentials()
        .add_scopes(shape.scopes.iter().cloned().map(Scope::new));
    if let Some(audience) = shape.audience {
        exchange_request = exchange_request.add_extra_param("audience", audience.to_owned());
    }
    if let Some(resource) = shape.resource {
        exchange_request = exchange_request.add_extra_param("resource", resource.to_owned());
    }
    let exchange = Exchange::token(http, &request.auth);
    let response = exchange_request
        .request_async(&exchange)
        .await
        .map_err(|error| request_error(error, &exchange, &doing))?;
    minted_from(&response, &doing, request.auth.dpop.is_some())
}

/// Refuses a token value with characters RFC 6749 does not allow in one (only printable
/// ASCII, A.12): control characters would break the Authorization header and a terminal.
pub(super) fn token_value(field: &str, value: &str, doing: &Doing<'_>) -> Result<Secret> {
    if value.is_empty() {
        return Err(Error::BadResponse(format!(
            "{} answered with an empty {field}.",
            doing.host()
        )));
    }
    if !value.chars().all(|c| (' '..='~').contains(&c)) {
        return Err(Error::BadResponse(format!(
            "{} to {} got a {field} with characters a token cannot hold (control characters \
             or non-ASCII); it was not stored.",
            doing.what,
            doing.host()
        )));
    }
    Ok(Secret::new(value.to_owned()))
}

/// The tokens of a successful token response to a request with a DPoP proof (`dpop`) or
/// without.
pub(crate) fn minted_from(
    response: &super::TokenResponse,
    doing: &Doing<'_>,
    dpop: bool,
) -> Result<Minted> {
    let access_token = token_value("access_token", response.access_token().secret(), doing)?;
    let refresh_token = response
        .refresh_token()
        .map(|token| token_value("refresh_token", token.secret(), doing))
        .transpose()?;
    let token_type = usable_token_type(&token_type_name(response.token_type()), dpop, doing)?;
    let extras = response.extra_fields();
    let host = doing.host();
    let created_at = extras
        .created_at
        .as_ref()
        .and_then(|value| value.as_i64().or_else(|| value.as_f64().map(|f| f as i64)));
    let expires_in = response
        .expires_in()
        .map(|d| lifetime(&host, "expires_in", i128::from(d.as_secs())))
        .transpose()?;
    let refresh_lifetime = |field: &str, value: &Option<serde_json::Value>| {
        value
            .as_ref()
            .and_then(|value| lifetime_of(&host, field, value))
            .transpose()
    };
    let refresh_expires_in = refresh_lifetime("refresh_expires_in", &extras.refresh_expires_in)?
        .or(refresh_lifetime(
            "refresh_token_expires_in",
            &extras.refresh_token_expires_in,
        )?)
        // Keycloak says 0 for an offline token that never ends
        .filter(|lifetime| !lifetime.is_zero());
    Ok(Minted {
        access_token,
        token_type,
        expires_in,
        refresh_expires_in,
        scopes: response
            .scopes()
            .map(|scopes| scopes.iter().map(|scope| scope.to_string()).collect()),
        created_at,
        refresh_token,
        id_token: extras.id_token.clone().map(Secret::new),
        instance_url: extras
            .instance_url
            .as_ref()
            .and_then(serde_json::Value::as_str)
            .filter(|url| {
                url::Url::parse(url).is_ok_and(|url| crate::http::check_target(&url).is_ok())
            })
            .map(str::to_owned),
        issued_token_type: None,
    })
}

/// The token type as RFC 9449 and RFC 6750 spell it (`DPoP`, `Bearer`; oauth2 lowercases
/// the first), or a refusal of a token Authdeck could not use as asked: a DPoP-bound app's
/// request must get a DPoP token (a Bearer one would not be bound to its key, RFC 9449 §5),
/// and any other request a Bearer one (MAC or other types are not usable at all).
fn usable_token_type(token_type: &str, dpop: bool, doing: &Doing<'_>) -> Result<String> {
    let expected = if dpop { "DPoP" } else { "Bearer" };
    if token_type.eq_ignore_ascii_case(expected) {
        return Ok(expected.to_owned());
    }
    let (what, host) = (doing.what, doing.host());
    let shown = super::clip(token_type, 40);
    Err(Error::BadResponse(if dpop {
        format!(
            "{what} to {host} carried a DPoP proof and got token_type “{shown}”: the provider \
             did not bind the token to the app's DPoP key, so it was not stored. Check that \
             the provider supports DPoP for this client."
        )
    } else {
        format!(
            "{what} to {host} got token_type “{shown}”; Authdeck can use only Bearer tokens \
             (and DPoP tokens for an app marked DPoP-bound), so the token was not stored."
        )
    }))
}
