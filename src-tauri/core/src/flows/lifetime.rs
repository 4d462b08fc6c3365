//! Lifetimes a server gives (`expires_in`, `refresh_expires_in`, a device code's `expires_in`
//! and `interval`, a token-info `expires_in`), checked before any is added to a time: a huge
//! one would overflow (a panic) or wrap into "never expires" or "expired before issued".

use crate::error::{Error, Result};
use crate::model::Timestamp;
use std::time::Duration;

/// The longest lifetime believed: ten years. Real access tokens live minutes to hours, refresh
/// tokens months, offline tokens a few years; anything longer is a server's bug (or worse).
pub const MAX_LIFETIME: Duration = Duration::from_secs(10 * 366 * 86_400);

/// `seconds` that `host` gave in `field` as a lifetime: refused (`BadResponse`, naming the
/// field) when negative or longer than [`MAX_LIFETIME`].
pub(crate) fn lifetime(host: &str, field: &str, seconds: i128) -> Result<Duration> {
    if seconds < 0 {
        return Err(Error::BadResponse(format!(
            "{host} answered with {field} {seconds}, a negative lifetime; the answer was not \
             used. Check the provider's token settings."
        )));
    }
    match u64::try_from(seconds).map(Duration::from_secs) {
        Ok(duration) if duration <= MAX_LIFETIME => Ok(duration),
        _ => Err(Error::BadResponse(format!(
            "{host} answered with {field} {seconds} s, more than ten years, which no credential \
             lives; the answer was not used. Check the provider's token settings."
        ))),
    }
}

/// A JSON number of seconds (an integer, or a float as some servers send) as a lifetime;
/// None when the value is not a number.
pub(crate) fn lifetime_of(
    host: &str,
    field: &str,
    value: &serde_json::Value,
) -> Option<Result<Duration>> {
    let seconds = value
        .as_i64()
        .map(i128::from)
        .or_else(|| value.as_u64().map(i128::from))
        // `as` saturates: 1e300 becomes i128::MAX, which the bound refuses
        .or_else(|| value.as_f64().map(|f| f as i128))?;
    Some(lifetime(host, field, seconds))
}

/// When something issued `at` with a lifetime `host` gave in `field` ends: checked, never a
/// wrapped time.
pub(crate) fn expiry(
    host: &str,
    field: &str,
    at: Timestamp,
    lifetime_given: Duration,
) -> Result<Timestamp> {
    let seconds = i128::from(lifetime_given.as_secs());
    let checked = lifetime(host, field, seconds)?;
    at.after(checked)
        .ok_or_else(|| Error::BadResponse(format!("{host} answered with {field} {seconds} s, which ends past the year 9999; the answer was not used.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_up_to_ten_years_are_kept_and_longer_or_negative_ones_refused() {
        let ten_years = MAX_LIFETIME.as_secs() as i128;
        assert_eq!(lifetime("h", "expires_in", 0).unwrap(), Duration::ZERO);
        assert_eq!(
            lifetime("h", "expires_in", ten_years).unwrap(),
            MAX_LIFETIME
        );
        for seconds in [
            ten_years + 1,
            i128::from(u64::MAX),
            i128::MAX,
            -1,
            i128::MIN,
        ] {
            let error = lifetime("h", "interval", seconds).unwrap_err();
            assert_eq!(error.code(), crate::ErrorCode::BadResponse);
            assert!(error.to_string().starts_with("h answered with interval "));
        }
        let value = |v: serde_json::Value| lifetime_of("h", "expires_in", &v).map(|r| r.is_ok());
        assert_eq!(value(serde_json::json!(3600)), Some(true));
        assert_eq!(value(serde_json::json!(3600.5)), Some(true));
        assert_eq!(value(serde_json::json!(1e300)), Some(false));
        assert_eq!(value(serde_json::json!(u64::MAX)), Some(false));
        assert_eq!(value(serde_json::json!("3600")), None);
    }

    #[test]
    fn an_expiry_is_never_wrapped() {
        let at = Timestamp::from_unix(1_790_000_000).unwrap();
        let hour = expiry("h", "expires_in", at, Duration::from_secs(3600)).unwrap();
        assert_eq!(hour.unix(), 1_790_003_600);
        assert!(expiry("h", "expires_in", at, Duration::MAX).is_err());
        let last = Timestamp::from_unix(253_402_300_799).unwrap(); // 9999-12-31T23:59:59Z
        assert!(expiry("h", "expires_in", last, Duration::from_secs(1)).is_err());
    }
}
