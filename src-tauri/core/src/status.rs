//! What the token panels show, computed from stored metadata and the time; and the decoded
//! (unverified) view of a JWT access token.

use crate::flows::fields_of;
use crate::model::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A token this close to expiry is "expiring soon" and renewed automatically.
pub const DEFAULT_RENEW_WINDOW_SECONDS: u32 = 300;

/// The renewal window for a token: the default, but never more than a quarter of its lifetime,
/// so a short-lived token is not renewed the moment it arrives (and renewal cannot loop).
pub fn renew_window(token: &TokenMeta) -> u32 {
    match token.expires_at {
        Some(expires) => {
            let lifetime = (expires.unix() - token.issued_at.unix()).max(0);
            DEFAULT_RENEW_WINDOW_SECONDS.min((lifetime / 4) as u32)
        }
        None => DEFAULT_RENEW_WINDOW_SECONDS,
    }
}

/// The facts of one app a status needs, owned: a status of 10,000 apps moves them into its
/// statuses instead of copying each app's strings once more.
pub struct AppFacts {
    pub id: AppId,
    pub name: String,
    pub client_id: String,
    pub client_type: ClientType,
    pub auto_renew: bool,
    pub renewal_paused: bool,
}

/// The status of an app's token at `now`.
pub fn token_status(app: AppFacts, token: Option<TokenMeta>, now: Timestamp) -> TokenStatus {
    let window = token
        .as_ref()
        .map_or(DEFAULT_RENEW_WINDOW_SECONDS, renew_window);
    let seconds_left = token
        .as_ref()
        .and_then(|t| t.expires_at)
        .map(|expires| expires.unix() - now.unix());
    let state = match (&token, seconds_left) {
        (None, _) => TokenState::None,
        (Some(t), _) if t.revoked_at.is_some() => TokenState::Revoked,
        // Before the clock: an ended sign-in's token is dead whatever its expiry says, and
        // what it needs is a new sign-in, not a renewal.
        (Some(t), _) if t.sign_in_ended_at.is_some() => TokenState::SignInEnded,
        (Some(_), Some(left)) if left <= 0 => TokenState::Expired,
        (Some(_), Some(left)) if left <= i64::from(window) => TokenState::ExpiringSoon,
        (Some(_), _) => TokenState::Valid,
    };
    let (missing, added) = match &token {
        Some(TokenMeta {
            granted_scopes: Some(granted),
            requested_scopes,
            source,
            ..
        }) => {
            let mut missing = difference(requested_scopes, granted);
            if *source != TokenSource::ClientCredentials {
                // A sign-in's OpenID Connect scopes are granted to the ID token, the userinfo
                // endpoint and the refresh token; many servers leave them out of an access
                // token's `scope` (one bound to an API resource), which is not a refusal.
                missing.retain(|scope| !SIGN_IN_SCOPES.contains(&scope.as_str()));
            }
            (missing, difference(granted, requested_scopes))
        }
        _ => (Vec::new(), Vec::new()),
    };
    TokenStatus {
        app_id: app.id,
        app_name: app.name,
        client_id: app.client_id,
        client_type: app.client_type,
        state,
        token,
        seconds_left,
        computed_at: now,
        scopes_missing: missing,
        scopes_added: added,
        auto_renew: app.auto_renew,
        renewal_paused: app.renewal_paused,
        renew_window_seconds: window,
    }
}

/// Why a stored token does not serve a request (see [`miss`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Miss {
    /// The app holds no token.
    NoToken,
    /// The token was revoked.
    Revoked,
    /// The sign-in it came from has ended.
    SignInEnded,
    /// It was minted for other scopes than the request's.
    OtherScopes,
    /// It expires sooner than the request needs.
    ExpiresTooSoon,
}

impl Miss {
    /// In a few words, for `-v` and the agent's answer.
    pub fn why(self) -> &'static str {
        match self {
            Miss::NoToken => "no token is stored",
            Miss::Revoked => "the token was revoked",
            Miss::SignInEnded => "the sign-in has ended",
            Miss::OtherScopes => "the token has other scopes",
            Miss::ExpiresTooSoon => "the token expires too soon",
        }
    }
}

/// Why a stored token does not serve a request for `scopes` that needs it valid
/// `min_valid_seconds` more, or None when it does: not revoked, its sign-in (if any) not ended,
/// minted for exactly these scopes, and not expiring sooner (a token without an expiry always
/// serves). This is `Fetch::IfNeeded`'s rule, shared with the CLI's cached path and the agent.
pub fn miss(status: &TokenStatus, scopes: &[String], min_valid_seconds: i64) -> Option<Miss> {
    let Some(token) = status.token.as_ref() else {
        return Some(Miss::NoToken);
    };
    if token.revoked_at.is_some() {
        Some(Miss::Revoked)
    } else if token.sign_in_ended_at.is_some() {
        Some(Miss::SignInEnded)
    } else if token.requested_scopes != scopes {
        Some(Miss::OtherScopes)
    } else if status
        .seconds_left
        .is_some_and(|left| left < min_valid_seconds)
    {
        Some(Miss::ExpiresTooSoon)
    } else {
        None
    }
}

/// Whether a stored token serves the request: [`miss`] finds no reason it does not.
pub fn serves(status: &TokenStatus, scopes: &[String], min_valid_seconds: i64) -> bool {
    miss(status, scopes, min_valid_seconds).is_none()
}

/// An app's token status, and why its stored token does not serve a request (None: it does).
#[derive(Clone, Debug)]
pub struct StoredToken {
    pub status: TokenStatus,
    pub miss: Option<Miss>,
}

impl StoredToken {
    /// The stored token, when it serves the request.
    pub fn serving(&self) -> Option<&TokenMeta> {
        self.status.token.as_ref().filter(|_| self.miss.is_none())
    }
}

fn difference(these: &[String], those: &[String]) -> Vec<String> {
    these
        .iter()
        .filter(|scope| !those.contains(scope))
        .cloned()
        .collect()
}

fn segment(part: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(object) => Some(object),
        _ => None,
    }
}

/// A JWT's header and claims, decoded without any verification; None when it is not a JWT
/// (three base64url parts whose first two are JSON objects).
pub fn decode_jwt(value: &str) -> Option<JwtView> {
    let parts: Vec<&str> = value.split('.').collect();
    let [header, claims, _signature] = parts.as_slice() else {
        return None;
    };
    Some(JwtView {
        header: fields_of(&segment(header)?),
        claims: fields_of(&segment(claims)?),
    })
}

/// A duration as people say it: "45 seconds", "1 minute", "5 minutes", "1 minute 30 seconds".
pub fn spoken_duration(duration: std::time::Duration) -> String {
    let seconds = duration.as_secs();
    let unit = |n: u64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    match (seconds / 60, seconds % 60) {
        (0, s) => unit(s, "second"),
        (m, 0) => unit(m, "minute"),
        (m, s) => format!("{} {}", unit(m, "minute"), unit(s, "second")),
    }
}

/// OpenID Connect's own scopes (Core §5.4, §11), about the user and the sign-in rather than an
/// API.
const SIGN_IN_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_unix(seconds).unwrap()
    }

    fn token(issued: i64, expires: Option<i64>) -> TokenMeta {
        TokenMeta {
            id: TokenId("t".into()),
            app_id: AppId("a".into()),
            source: TokenSource::ClientCredentials,
            token_type: "Bearer".into(),
            issued_at: at(issued),
            expires_at: expires.map(at),
            requested_scopes: vec!["read".into(), "write".into()],
            granted_scopes: Some(vec!["read".into(), "admin".into()]),
            is_jwt: false,
            secret_id: None,
            revoked_at: None,
            fingerprint: "abcd".into(),
            renew_error: None,
            has_refresh_token: false,
            refresh_expires_at: None,
            has_id_token: false,
            sign_in_ended_at: None,
            api_base_url: None,
            issued_token_type: None,
        }
    }

    fn status(token: Option<TokenMeta>, now: i64) -> TokenStatus {
        let id = AppId("a".into());
        let app = AppFacts {
            id,
            name: "App".into(),
            client_id: "client-a".into(),
            client_type: ClientType::Confidential,
            auto_renew: true,
            renewal_paused: false,
        };
        token_status(app, token, at(now))
    }

    #[test]
    fn states_follow_the_clock() {
        let t = token(1000, Some(4600));
        assert_eq!(status(None, 1000).state, TokenState::None);
        assert_eq!(status(Some(t.clone()), 1000).state, TokenState::Valid);
        assert_eq!(status(Some(t.clone()), 4299).state, TokenState::Valid);
        assert_eq!(
            status(Some(t.clone()), 4300).state,
            TokenState::ExpiringSoon
        );
        assert_eq!(status(Some(t.clone()), 4600).state, TokenState::Expired);
        assert_eq!(status(Some(t.clone()), 4600).seconds_left, Some(0));
        let revoked = TokenMeta {
            revoked_at: Some(at(1200)),
            ..t
        };
        assert_eq!(status(Some(revoked), 1300).state, TokenState::Revoked);
        assert_eq!(
            status(Some(token(1000, None)), 9_999_999).state,
            TokenState::Valid
        );
    }

    #[test]
    fn a_stored_token_that_does_not_serve_says_why() {
        let t = token(1000, Some(4600));
        let scopes = t.requested_scopes.clone();
        let at_2000 = |token: Option<TokenMeta>| status(token, 2000);
        assert_eq!(miss(&at_2000(None), &scopes, 0), Some(Miss::NoToken));
        assert_eq!(miss(&at_2000(Some(t.clone())), &scopes, 2600), None);
        assert_eq!(
            miss(&at_2000(Some(t.clone())), &scopes, 2601),
            Some(Miss::ExpiresTooSoon)
        );
        assert_eq!(
            miss(&at_2000(Some(t.clone())), &["other".to_owned()], 0),
            Some(Miss::OtherScopes)
        );
        let revoked = TokenMeta {
            revoked_at: Some(at(1500)),
            ..t
        };
        assert_eq!(
            miss(&at_2000(Some(revoked)), &scopes, 0),
            Some(Miss::Revoked)
        );
    }

    #[test]
    fn an_ended_sign_in_is_its_own_state_whatever_the_clock_and_never_serves() {
        let mut ended = token(1000, Some(4600));
        ended.source = TokenSource::AuthorizationCode;
        ended.sign_in_ended_at = Some(at(1100));
        let scopes = ended.requested_scopes.clone();
        for now in [1200, 4300, 4600, 9000] {
            let s = status(Some(ended.clone()), now);
            assert_eq!(s.state, TokenState::SignInEnded, "at {now}");
            assert!(!serves(&s, &scopes, 0), "at {now}");
        }
        // the clock still says how long it would have lived
        assert_eq!(status(Some(ended.clone()), 1200).seconds_left, Some(3400));
        // a revocation by Authdeck is what the panel says first
        let revoked = TokenMeta {
            revoked_at: Some(at(1150)),
            ..ended.clone()
        };
        assert_eq!(status(Some(revoked), 1200).state, TokenState::Revoked);
        // the same token with its sign-in holding serves
        ended.sign_in_ended_at = None;
        let holding = status(Some(ended), 1200);
        assert_eq!(holding.state, TokenState::Valid);
        assert!(serves(&holding, &scopes, 0));
    }

    #[test]
    fn short_lived_tokens_get_a_quarter_of_their_life_as_window() {
        let short = token(1000, Some(1060));
        assert_eq!(renew_window(&short), 15);
        assert_eq!(status(Some(short.clone()), 1044).state, TokenState::Valid);
        assert_eq!(status(Some(short), 1045).state, TokenState::ExpiringSoon);
    }

    #[test]
    fn scope_differences_go_both_ways() {
        let s = status(Some(token(1000, Some(4600))), 1000);
        assert_eq!(s.scopes_missing, ["write"]);
        assert_eq!(s.scopes_added, ["admin"]);
    }

    #[test]
    fn durations_are_spoken_in_words() {
        let words = |s| spoken_duration(std::time::Duration::from_secs(s));
        assert_eq!(words(1), "1 second");
        assert_eq!(words(45), "45 seconds");
        assert_eq!(words(60), "1 minute");
        assert_eq!(words(300), "5 minutes");
        assert_eq!(words(90), "1 minute 30 seconds");
    }

    #[test]
    fn a_sign_in_s_openid_scopes_left_out_of_the_access_token_are_not_missing() {
        let mut signed_in = token(1000, Some(4600));
        signed_in.source = TokenSource::AuthorizationCode;
        signed_in.requested_scopes = ["openid", "profile", "offline_access", "read", "write"]
            .map(String::from)
            .to_vec();
        signed_in.granted_scopes = Some(vec!["read".into()]);
        assert_eq!(
            status(Some(signed_in.clone()), 1000).scopes_missing,
            ["write"]
        );
        signed_in.source = TokenSource::ClientCredentials;
        assert_eq!(
            status(Some(signed_in), 1000).scopes_missing,
            ["openid", "profile", "offline_access", "write"]
        );
    }

    #[test]
    fn jwt_is_decoded_unverified_and_other_values_are_not_jwts() {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"at+jwt"}"#);
        let claims = URL_SAFE_NO_PAD.encode(br#"{"sub":"svc","exp":60}"#);
        let view = decode_jwt(&format!("{header}.{claims}.sig")).unwrap();
        assert_eq!(view.header[0].name, "alg");
        assert_eq!(view.header[0].value, "RS256");
        assert_eq!(view.claims[0].note.as_deref(), Some("1970-01-01T00:01:00Z"));
        assert_eq!(decode_jwt("opaque-token-value"), None);
        assert_eq!(decode_jwt("a.b.c"), None);
    }
}
