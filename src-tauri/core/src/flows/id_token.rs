//! OpenID Connect ID tokens: validated with the openidconnect crate (signature against the
//! issuer's JWKS, `iss`, `aud`, `azp`, `exp`, `nonce`) before anything of them is kept.

use super::net_error;
use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::model::Secret;
use openidconnect::core::{CoreIdToken, CoreIdTokenVerifier, CoreJsonWebKeySet};
use openidconnect::{ClientId, ClientSecret, IssuerUrl, Nonce};
use std::str::FromStr;

/// Reads the issuer's signing keys (the metadata's `jwks_uri`).
pub async fn fetch_jwks(http: &HttpClient, jwks_url: &str) -> Result<CoreJsonWebKeySet> {
    let request = http::Request::get(jwks_url)
        .header(http::header::ACCEPT, "application/json")
        .body(Vec::new())
        .map_err(|e| {
            Error::NotConfigured(format!("The JWKS URL “{jwks_url}” is not valid ({e})."))
        })?;
    let response = http.send(request).await.map_err(net_error)?;
    if response.status != 200 {
        return Err(Error::BadResponse(format!(
            "The provider's signing keys at {jwks_url} answered HTTP {}; the ID token cannot \
             be checked, so the sign-in was not kept.",
            response.status
        )));
    }
    serde_json::from_slice(&response.body).map_err(|e| {
        Error::BadResponse(format!(
            "The provider's signing keys at {jwks_url} are not a JSON Web Key Set ({e}); the \
             ID token cannot be checked, so the sign-in was not kept."
        ))
    })
}

/// What an ID token must match.
pub struct IdTokenCheck<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// The client secret, for ID tokens signed with it (HS256).
    pub client_secret: Option<&'a Secret>,
    /// The login's `nonce`; None on refresh, where the server may repeat the original one.
    pub nonce: Option<&'a str>,
}

/// Validates an ID token and returns its claims as a JSON object.
pub fn validate_id_token(
    raw: &Secret,
    check: &IdTokenCheck<'_>,
    keys: CoreJsonWebKeySet,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let refused = |why: String| {
        Error::BadResponse(format!(
            "The ID token from {} did not pass validation ({why}); the sign-in was not kept.",
            check.issuer
        ))
    };
    let issuer = IssuerUrl::new(check.issuer.to_owned()).map_err(|e| refused(e.to_string()))?;
    let client_id = ClientId::new(check.client_id.to_owned());
    let verifier = match check.client_secret {
        Some(secret) => CoreIdTokenVerifier::new_confidential_client(
            client_id,
            ClientSecret::new(secret.expose().to_owned()),
            issuer,
            keys,
        ),
        None => CoreIdTokenVerifier::new_public_client(client_id, issuer, keys),
    };
    let token = CoreIdToken::from_str(raw.expose())
        .map_err(|e| refused(format!("not a signed JWT: {e}")))?;
    let claims = match check.nonce {
        Some(nonce) => token.claims(&verifier, &Nonce::new(nonce.to_owned())),
        None => token.claims(&verifier, |_: Option<&Nonce>| Ok(())),
    }
    .map_err(|e| refused(e.to_string()))?;
    match serde_json::to_value(claims) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        _ => Err(refused("its claims are not a JSON object".into())),
    }
}
