//! Property: whatever a token response says in `expires_in` (any integer, float or string), the
//! lifetime is read exactly or the response is refused with an error: never a panic, never an
//! expiry other than issued-at plus `expires_in`, never a stated lifetime turned into none.

use super::client_credentials::minted_from;
use super::{Doing, TokenResponse};
use crate::model::Timestamp;
use proptest::prelude::*;
use serde_json::{Value, json};

const ISSUED_AT: i64 = 1_790_000_000;

/// What Authdeck makes of a token response with this `expires_in`: the expiry (None: the
/// response was refused), read as oauth2 reads a token response.
fn expiry_of(expires_in: &Value) -> Option<Option<Timestamp>> {
    let body = json!({"access_token": "a", "token_type": "Bearer", "expires_in": expires_in});
    let body = serde_json::to_vec(&body).unwrap();
    let response: TokenResponse =
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(&body)).ok()?;
    let doing = Doing {
        what: "The token request",
        url: "https://id.example.com/token",
        scopes: &[],
    };
    let minted = minted_from(&response, &doing, false).ok()?;
    minted
        .expires_at(Timestamp::from_unix(ISSUED_AT).unwrap())
        .ok()
}

/// Accepted only with the exact expiry: issued-at plus the whole seconds said.
fn read_exactly_or_refused(expires_in: &Value) -> std::result::Result<(), String> {
    let Some(expiry) = expiry_of(expires_in) else {
        return Ok(()); // refused with an error
    };
    let said = expires_in
        .as_u64()
        .map(i128::from)
        .ok_or_else(|| format!("expires_in {expires_in} was accepted but is no whole number"))?;
    match expiry {
        Some(at) if i128::from(at.unix()) == i128::from(ISSUED_AT) + said => Ok(()),
        other => Err(format!(
            "expires_in {expires_in} was accepted with the expiry {:?}, not {ISSUED_AT} + {said}",
            other.map(|at| at.unix())
        )),
    }
}

fn any_lifetime() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        any::<i64>().prop_map(|n| Value::from(n.to_string())),
        any::<String>().prop_map(Value::from),
    ]
}

/// What providers send: up to ten years, as a number, a float or a string.
fn realistic_lifetime() -> impl Strategy<Value = Value> {
    let seconds = 0..=10 * 366 * 86_400_i64;
    prop_oneof![
        seconds.clone().prop_map(Value::from),
        seconds.clone().prop_map(|n| json!(n as f64)),
        seconds.prop_map(|n| Value::from(n.to_string())),
    ]
}

proptest! {
    #[test]
    fn a_realistic_token_lifetime_gets_its_exact_expiry_or_is_refused(
        expires_in in realistic_lifetime()
    ) {
        read_exactly_or_refused(&expires_in).map_err(TestCaseError::fail)?;
    }

    // Before absurd lifetimes were refused, a u64 expires_in past the year 9999 was stored as
    // "never expires", one of 2^63 or more wrapped to an expiry in the past, and one near
    // i64::MAX overflowed (a panic in debug builds).
    #[test]
    fn any_token_lifetime_gets_its_exact_expiry_or_is_refused(expires_in in any_lifetime()) {
        read_exactly_or_refused(&expires_in).map_err(TestCaseError::fail)?;
    }
}

/// The ways the code failed the property above before absurd lifetimes were refused, each named.
#[test]
fn lifetimes_past_what_a_timestamp_holds_are_refused() {
    let failures = [
        u64::MAX,        // wraps to -1: expired a second before it was issued
        1 << 63,         // wraps to i64::MIN: no expiry at all
        i64::MAX as u64, // overflows issued-at + expires_in
        300_000_000_000, // past the year 9999: no expiry at all
    ]
    .into_iter()
    .filter_map(|seconds| {
        let outcome = std::panic::catch_unwind(|| read_exactly_or_refused(&Value::from(seconds)));
        match outcome {
            Ok(Ok(())) => None,
            Ok(Err(wrong)) => Some(wrong),
            Err(_) => Some(format!("expires_in {seconds} panicked")),
        }
    })
    .collect::<Vec<_>>();
    assert!(failures.is_empty(), "{failures:#?}");
}
