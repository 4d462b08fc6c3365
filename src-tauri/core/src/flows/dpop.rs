//! DPoP proofs (RFC 9449): a DPoP-bound app sends, with each token request, a JWT signed with
//! its own proof key (`typ` dpop+jwt, the public key in the header's `jwk`, a random `jti`, the
//! request's `htm` and `htu`, `iat` from Authdeck's clock), and the server binds the token it
//! issues to that key; a resource request carries one with `ath`, the token's hash. The
//! jsonwebtoken crate signs; nothing here signs by hand.
//!
//! A server may require its own nonce in proofs (`use_dpop_nonce`, §8 and §9): the latest
//! `DPoP-Nonce` each server sent is remembered per origin and role — an authorization server's
//! (token requests) apart from a resource server's (API requests), since the two often share an
//! origin and each would otherwise overwrite the other's and cost a retry at every switch — for
//! the life of the process. A nonce is short-lived by design (oidc-provider rotates it every
//! minute or so); the facade keeps resource servers' nonces a few minutes longer, for the CLI's
//! `authdeck curl`, whose next call is the next process.

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

/// Which kind of server a nonce came from: RFC 9449 gives each its own (§8, §9), and one origin
/// may serve both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NonceFrom {
    /// The token endpoint (and the other requests proofs go to on the authorization server).
    AuthorizationServer,
    /// An API: "Try it", `authdeck proof` and `authdeck curl`.
    ResourceServer,
}

/// The latest `DPoP-Nonce` each server sent, by role and origin (scheme, host, port), in memory.
#[derive(Debug, Default)]
pub struct Nonces(Mutex<HashMap<(NonceFrom, String), String>>);

impl Nonces {
    /// The nonce last heard from the `from` server at the origin of `url`.
    pub fn latest(&self, from: NonceFrom, url: &str) -> Option<String> {
        let origin = origin(url)?;
        self.0.lock().ok()?.get(&(from, origin)).cloned()
    }

    /// Remembers the nonce the `from` server at the origin of `url` sent.
    pub fn remember(&self, from: NonceFrom, url: &str, nonce: &str) {
        if let (Some(origin), Ok(mut nonces)) = (origin(url), self.0.lock()) {
            nonces.insert((from, origin), nonce.to_owned());
        }
    }
}

/// The origin of `url` as RFC 6454 serializes it (`https://host[:port]`).
pub(crate) fn origin(url: &str) -> Option<String> {
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

/// Whether one `WWW-Authenticate` challenge is DPoP's asking for the server's nonce:
/// `DPoP error="use_dpop_nonce"` (RFC 9449 §9).
pub fn is_nonce_challenge(challenge: &str) -> bool {
    let challenge = challenge.trim();
    let (scheme, params) = challenge.split_once(' ').unwrap_or((challenge, ""));
    scheme.eq_ignore_ascii_case("DPoP")
        && params.split(',').any(|param| {
            param.trim().split_once('=').is_some_and(|(name, value)| {
                name.trim().eq_ignore_ascii_case("error")
                    && value.trim().trim_matches('"') == "use_dpop_nonce"
            })
        })
}

/// The nonce a resource server's answer asks the next proof to carry: a 401 with a DPoP
/// `use_dpop_nonce` challenge and a `DPoP-Nonce` header (RFC 9449 §9); else None. `headers`
/// are the answer's (name, value) pairs, names in any case.
pub fn resource_nonce_asked<'a>(
    status: u16,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<String> {
    let (mut challenged, mut nonce) = (false, None);
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("www-authenticate") {
            challenged |= is_nonce_challenge(value);
        } else if name.eq_ignore_ascii_case(NONCE_HEADER) {
            nonce = Some(value.trim().to_owned());
        }
    }
    nonce.filter(|nonce| status == 401 && challenged && !nonce.is_empty())
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
    fn only_a_401_with_a_nonce_challenge_and_a_nonce_asks_for_one() {
        let challenge = ("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"");
        let nonce = ("dpop-nonce", "n-1");
        assert_eq!(
            resource_nonce_asked(401, [challenge, nonce]).as_deref(),
            Some("n-1")
        );
        assert_eq!(resource_nonce_asked(400, [challenge, nonce]), None);
        assert_eq!(resource_nonce_asked(401, [challenge]), None);
        assert_eq!(resource_nonce_asked(401, [nonce]), None);
        let other = ("www-authenticate", "DPoP error=\"invalid_token\"");
        assert_eq!(resource_nonce_asked(401, [other, nonce]), None);
    }

    #[test]
    fn nonces_are_remembered_per_origin_and_role() {
        use NonceFrom::{AuthorizationServer as As, ResourceServer as Rs};
        let nonces = Nonces::default();
        nonces.remember(As, "https://id.example.com/token", "one");
        assert_eq!(
            nonces
                .latest(As, "https://id.example.com/other?x")
                .as_deref(),
            Some("one")
        );
        assert_eq!(nonces.latest(As, "https://id.example.com:8443/token"), None);
        // the same origin's resource server has a slot of its own
        assert_eq!(nonces.latest(Rs, "https://id.example.com/api"), None);
        nonces.remember(Rs, "https://id.example.com/api", "api-1");
        nonces.remember(As, "https://id.example.com/token", "two");
        assert_eq!(
            nonces.latest(As, "https://id.example.com/token").as_deref(),
            Some("two")
        );
        assert_eq!(
            nonces
                .latest(Rs, "https://id.example.com/api/v2")
                .as_deref(),
            Some("api-1")
        );
    }
}
