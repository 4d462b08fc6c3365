//! A team vault token's lifetime as the vault last told it, and when to renew it.
//!
//! The vault says how long a token has left at each lookup, login and renewal; that answer is
//! remembered with the time it was given (SQLite, `team_vaults.token_*`), so a command works
//! out the time left from its own clock instead of asking the vault before every call. The
//! vault is asked again only to renew, and by `team status`.

use crate::model::Timestamp;
use serde_json::Value;

/// Renew a token with less than this left, whatever its TTL (seconds).
pub const RENEW_WITHIN: i64 = 5 * 60;

/// What the vault last said of a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenLife {
    /// When the vault said it (Authdeck's clock).
    pub checked_at: Timestamp,
    /// Seconds left then; `None` for a token that never expires (a root token).
    pub ttl: Option<i64>,
    /// The TTL it was created with (what a renewal asks for again).
    pub creation_ttl: i64,
    /// Whether the vault would renew it.
    pub renewable: bool,
}

/// What to do with a token before a call to the vault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Use it as it is.
    Use,
    /// Renew it first (renew-self), asking for this many seconds.
    Renew(i64),
    /// It has ended: only a new sign-in helps.
    SignIn,
}

impl TokenLife {
    /// From `auth/token/lookup-self`'s `data`, said at `now`.
    pub fn from_lookup(data: &Value, now: Timestamp) -> Self {
        let ttl = data["ttl"].as_i64().unwrap_or(0);
        Self {
            checked_at: now,
            // A token that never expires (root) has ttl 0 and no expire_time.
            ttl: (ttl > 0 || !data["expire_time"].is_null()).then_some(ttl),
            creation_ttl: data["creation_ttl"].as_i64().unwrap_or(ttl),
            renewable: data["renewable"].as_bool().unwrap_or(false),
        }
    }

    /// Seconds left at `now`; `None` when it never expires.
    pub fn left_at(&self, now: Timestamp) -> Option<i64> {
        self.ttl
            .map(|ttl| ttl - (now.unix() - self.checked_at.unix()))
    }

    /// Renew when under a third of its creation TTL or under `RENEW_WITHIN` is left, but never
    /// in the first third of its life (a short token is not renewed at each of the calls of
    /// one command); an ended token needs a sign-in; one that cannot be renewed is used until
    /// it ends.
    pub fn next(&self, now: Timestamp) -> Next {
        let Some(left) = self.left_at(now) else {
            return Next::Use;
        };
        let within = (self.creation_ttl / 3)
            .max(RENEW_WITHIN)
            .min(self.creation_ttl * 2 / 3);
        if left <= 0 {
            Next::SignIn
        } else if self.renewable && left < within {
            Next::Renew(self.creation_ttl.max(1))
        } else {
            Next::Use
        }
    }

    /// After a renewal the vault answered with `lease` seconds (`auth.lease_duration`) at
    /// `now`: a token it did not lengthen is at its longest life (explicit or mount max TTL),
    /// so it is not asked again.
    pub fn renewed(&self, lease: i64, renewable: bool, now: Timestamp) -> Self {
        let grew = self.left_at(now).is_none_or(|left| lease > left);
        Self {
            checked_at: now,
            ttl: Some(lease),
            creation_ttl: self.creation_ttl,
            renewable: renewable && grew,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_unix(1_800_000_000 + seconds).unwrap()
    }

    fn life(ttl: i64, creation_ttl: i64, renewable: bool) -> TokenLife {
        TokenLife {
            checked_at: at(0),
            ttl: Some(ttl),
            creation_ttl,
            renewable,
        }
    }

    #[test]
    fn an_hour_token_is_renewed_once_under_a_third_of_its_life_is_left() {
        let hour = life(3600, 3600, true);
        assert_eq!(hour.next(at(2399)), Next::Use);
        assert_eq!(hour.next(at(2401)), Next::Renew(3600));
        assert_eq!(hour.next(at(3600)), Next::SignIn);
    }

    #[test]
    fn a_day_token_is_renewed_in_its_last_eight_hours_and_a_short_one_after_a_third() {
        let day = life(86_400, 86_400, true);
        assert_eq!(day.next(at(57_599)), Next::Use);
        assert_eq!(day.next(at(57_601)), Next::Renew(86_400));
        let minute = life(60, 60, true);
        assert_eq!(minute.next(at(19)), Next::Use);
        assert_eq!(minute.next(at(21)), Next::Renew(60));
        let ten_minutes = life(600, 600, true);
        assert_eq!(ten_minutes.next(at(299)), Next::Use);
        assert_eq!(ten_minutes.next(at(301)), Next::Renew(600));
    }

    #[test]
    fn a_token_that_cannot_be_renewed_is_used_until_it_ends_then_needs_a_sign_in() {
        let fixed = life(600, 600, false);
        assert_eq!(fixed.next(at(599)), Next::Use);
        assert_eq!(fixed.next(at(600)), Next::SignIn);
    }

    #[test]
    fn a_renewal_that_did_not_lengthen_the_token_stops_further_renewals() {
        let capped = life(100, 3600, true).renewed(90, true, at(10));
        assert!(!capped.renewable);
        assert_eq!(capped.next(at(50)), Next::Use);
        let grown = life(100, 3600, true).renewed(3600, true, at(10));
        assert!(grown.renewable);
        assert_eq!(grown.left_at(at(10)), Some(3600));
    }

    #[test]
    fn a_root_token_never_expires_and_is_never_renewed() {
        let root = TokenLife::from_lookup(
            &json!({ "ttl": 0, "expire_time": null, "creation_ttl": 0, "renewable": false }),
            at(0),
        );
        assert_eq!(root.ttl, None);
        assert_eq!(root.next(at(10_000_000)), Next::Use);
    }
}
