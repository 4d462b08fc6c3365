//! Client authentication by JWT (RFC 7523 §2.2, OpenID Connect Core §9): instead of a secret,
//! each request carries a fresh `client_assertion`, signed with the client secret
//! (`client_secret_jwt`, HS256) or one of the app's private keys (`private_key_jwt`). The
//! jsonwebtoken crate does the JOSE work; nothing here signs by hand.
//!
//! An assertion is made per request, at the moment it is sent: providers remember each `jti`
//! and refuse a second use, so a device login's polls or a retried request each need their own.

use super::ClientAuth;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::model::AuthMethod;
use crate::signing_key::PrivateKey;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

/// The `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2).
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long an assertion is valid: it is made for one request and sent at once.
pub const ASSERTION_LIFETIME_SECONDS: i64 = 60;

/// Where JWT assertions are addressed, and the clock that dates them.
#[derive(Clone, Copy)]
pub struct AssertionContext<'a> {
    /// The `aud`: the token endpoint's URL (RFC 7523 §3), None when the environment has none.
    pub audience: Option<&'a str>,
    pub clock: &'a dyn Clock,
    /// For private_key_jwt: the key that signs, and its `kid`.
    pub signing_key: Option<(&'a str, &'a PrivateKey)>,
}

impl std::fmt::Debug for AssertionContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssertionContext")
            .field("audience", &self.audience)
            .field("signing_key", &self.signing_key)
            .finish_non_exhaustive()
    }
}

/// The claims of a client assertion, exactly these (RFC 7523 §3).
#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    jti: String,
    iat: i64,
    exp: i64,
}

/// The form fields that authenticate the client by JWT (`client_assertion_type` and a fresh
/// `client_assertion`), or None when its method is not a JWT one.
pub(crate) fn assertion_fields(
    auth: &ClientAuth<'_>,
) -> Result<Option<[(&'static str, String); 2]>> {
    if !matches!(
        auth.method,
        AuthMethod::ClientSecretJwt | AuthMethod::PrivateKeyJwt
    ) {
        return Ok(None);
    }
    let context = auth.assertion.ok_or_else(|| {
        Error::Internal("a JWT client assertion was asked for without its context".into())
    })?;
    let audience = context.audience.ok_or_else(|| {
        Error::NotConfigured(format!(
            "{} addresses its assertions to the token endpoint, and the environment has none. \
             Add the token URL in the environment's settings.",
            auth.method.as_str()
        ))
    })?;
    // first, so no JOSE call fixes another crypto provider for the process (HS256 included)
    crate::signing_key::jose::install()?;
    let (header, key) = signing(auth, &context)?;
    let now = context.clock.now().unix();
    let claims = Claims {
        iss: auth.client_id,
        sub: auth.client_id,
        aud: audience,
        jti: uuid::Uuid::new_v4().to_string(),
        iat: now,
        exp: now + ASSERTION_LIFETIME_SECONDS,
    };
    let assertion = jsonwebtoken::encode(&header, &claims, &key).map_err(|e| {
        // jsonwebtoken's messages name the problem, never the key
        Error::NotConfigured(format!("The client assertion could not be signed ({e})."))
    })?;
    Ok(Some([
        ("client_assertion_type", ASSERTION_TYPE.to_owned()),
        ("client_assertion", assertion),
    ]))
}

/// The header and key an assertion is signed with, by the app's method.
fn signing(auth: &ClientAuth<'_>, context: &AssertionContext<'_>) -> Result<(Header, EncodingKey)> {
    match auth.method {
        AuthMethod::ClientSecretJwt => {
            let secret = auth.secret.ok_or_else(|| {
                Error::NotConfigured(
                    "client_secret_jwt signs with the client secret, and the app has no active \
                     secret. Add the secret the provider gave you first."
                        .into(),
                )
            })?;
            let key = EncodingKey::from_secret(secret.expose().as_bytes())
                .map_err(|_| Error::NotConfigured("The client secret is empty.".into()))?;
            Ok((Header::new(Algorithm::HS256), key))
        }
        _ => {
            let (kid, key) = context.signing_key.ok_or_else(|| {
                Error::NotConfigured(
                    "private_key_jwt signs with one of the app's keys, and it has no active \
                     signing key. Add one and register its public key at the provider."
                        .into(),
                )
            })?;
            let mut header = Header::new(key.jws());
            header.kid = Some(kid.to_owned());
            Ok((header, key.encoding_key()?))
        }
    }
}
