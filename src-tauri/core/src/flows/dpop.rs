//! DPoP proofs (RFC 9449): a DPoP-bound app sends, with each token request, a JWT signed with
//! its own proof key (`typ` dpop+jwt, the public key in the header's `jwk`, a random `jti`, the
//! request's `htm` and `htu`, `iat` from Authdeck's clock), and the server binds the token it
//! issues to that key; a resource request carries one with `ath`, the token's hash. The
//! jsonwebtoken crate signs; nothing here signs by hand.
//!
//! A server may require its own nonce in proofs (`use_dpop_nonce`, §8): the latest `DPoP-Nonce`
//! each server sent is remembered per origin for the life of the process. Not persisted: a nonce
//! is short-lived by design (oidc-provider rotates it every minute or so), so one kept on disk
//! would be stale at the next run and cost the same one retry a fresh start costs.

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::model::Secret;
use crate::signing_key::PrivateKey;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use sha2::Digest;
use std::collections::HashMap;
use std::sync::Mutex;

/// The `typ` of a DPoP proof's header.
pub const PROOF_TYPE: &str = "dpop+jwt";

/// The header that carries a proof, and the one a server's nonce comes in.
pub const DPOP_HEADER: &str = "DPoP";
pub const NONCE_HEADER: &str = "DPoP-Nonce";

/// A DPoP-bound app's proof key, the clock that dates its proofs and the process's nonces.
#[derive(Clone, Copy)]
pub struct DpopContext<'a> {
    pub key: &'a PrivateKey,
    pub clock: &'a dyn Clock,
    pub nonces: &'a Nonces,
}

impl std::fmt::Debug for DpopContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DpopContext")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// The latest `DPoP-Nonce` each server sent, by origin (scheme, host, port), in memory only.
#[derive(Debug, Default)]
pub struct Nonces(Mutex<HashMap<String, String>>);

impl Nonces {
    /// The nonce last heard from the origin of `url`.
    pub fn latest(&self, url: &str) -> Option<String> {
        let origin = origin(url)?;
        self.0.lock().ok()?.get(&origin).cloned()
    }

    /// Remembers the nonce the origin of `url` sent.
    pub fn remember(&self, url: &str, nonce: &str) {
        if let (Some(origin), Ok(mut nonces)) = (origin(url), self.0.lock()) {
            nonces.insert(origin, nonce.to_owned());
        }
    }
}

fn origin(url: &str) -> Option<String> {
    Some(url::Url::parse(url).ok()?.origin().ascii_serialization())
}

/// What a proof says of one request (RFC 9449 §4.2).
#[derive(Serialize)]
struct Claims<'a> {
    jti: String,
    htm: &'a str,
    htu: String,
    iat: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    ath: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
}

/// A proof for one `method` request to `url`, for the access token `token` when it is a
/// resource request (its `ath`), with the server's `nonce` when it asked for one.
pub fn proof(
    context: &DpopContext<'_>,
    method: &str,
    url: &str,
    token: Option<&Secret>,
    nonce: Option<&str>,
) -> Result<String> {
    let mut header = jsonwebtoken::Header::new(context.key.jws());
    header.typ = Some(PROOF_TYPE.to_owned());
    header.jwk = Some(context.key.bare_jwk()?);
    let claims = Claims {
        jti: uuid::Uuid::new_v4().to_string(),
        htm: method,
        htu: htu(url)?,
        iat: context.clock.now().unix(),
        ath: token.map(|token| access_token_hash(token.expose())),
        nonce,
    };
    jsonwebtoken::encode(&header, &claims, &context.key.encoding_key()?).map_err(|e| {
        // jsonwebtoken's messages name the problem, never the key
        Error::NotConfigured(format!("The DPoP proof could not be signed ({e})."))
    })
}

/// The `DPoP-Nonce` a server's answer brought, if any.
pub(crate) fn nonce_of(headers: &http::HeaderMap) -> Option<String> {
    let nonce = headers.get(NONCE_HEADER)?.to_str().ok()?;
    Some(nonce.to_owned())
}

/// Whether an error answer's body is `use_dpop_nonce` (RFC 9449 §8).
pub(crate) fn asks_for_nonce(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Answer {
        error: String,
    }
    serde_json::from_slice::<Answer>(body).is_ok_and(|answer| answer.error == "use_dpop_nonce")
}

/// The `htu` of a request to `url`: the URL without its query and fragment (§4.2).
pub fn htu(url: &str) -> Result<String> {
    let mut parsed = url::Url::parse(url)
        .map_err(|e| Error::invalid("url", format!("“{url}” is not a URL ({e}).")))?;
    parsed.set_query(None);
    parsed.set_fragment(None);
    Ok(parsed.to_string())
}

/// The `ath` of an access token: base64url of its SHA-256 (§4.2).
pub fn access_token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Timestamp;
    use crate::signing_key::KeyAlg;

    struct At(i64);
    impl Clock for At {
        fn now(&self) -> Timestamp {
            Timestamp(time::OffsetDateTime::from_unix_timestamp(self.0).unwrap())
        }
    }

    fn decode(part: &str) -> serde_json::Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    #[test]
    fn a_proof_carries_the_public_key_the_request_and_the_clocks_time() {
        let key = PrivateKey::generate(KeyAlg::Es256).unwrap();
        let clock = At(1_800_000_000);
        let nonces = Nonces::default();
        let context = DpopContext {
            key: &key,
            clock: &clock,
            nonces: &nonces,
        };
        let token = Secret::new("abc".to_owned());
        let jwt = proof(
            &context,
            "GET",
            "https://api.example.com/v1/me?x=1#top",
            Some(&token),
            Some("n-1"),
        )
        .unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        let header = decode(parts[0]);
        let claims = decode(parts[1]);
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["jwk"]["kty"], "EC");
        assert!(header["jwk"].get("d").is_none(), "{header}");
        assert_eq!(claims["htm"], "GET");
        assert_eq!(claims["htu"], "https://api.example.com/v1/me");
        assert_eq!(claims["iat"], 1_800_000_000);
        // RFC 9449 §4.2 / RFC 7636 appendix B style: SHA-256 of "abc", base64url
        assert_eq!(claims["ath"], "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
        assert_eq!(claims["nonce"], "n-1");
        assert_eq!(claims["jti"].as_str().unwrap().len(), 36);
        let again = proof(&context, "POST", "https://id.example.com/token", None, None).unwrap();
        let claims = decode(again.split('.').nth(1).unwrap());
        assert!(claims.get("ath").is_none() && claims.get("nonce").is_none());
    }

    #[test]
    fn nonces_are_remembered_per_origin() {
        let nonces = Nonces::default();
        nonces.remember("https://id.example.com/token", "one");
        assert_eq!(
            nonces.latest("https://id.example.com/other?x").as_deref(),
            Some("one")
        );
        assert_eq!(nonces.latest("https://id.example.com:8443/token"), None);
        nonces.remember("https://id.example.com/token", "two");
        assert_eq!(
            nonces.latest("https://id.example.com/token").as_deref(),
            Some("two")
        );
    }
}
