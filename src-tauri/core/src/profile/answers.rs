//! Answers that are OAuth in spirit but not in shape, rewritten into RFC 6749's shape before
//! oauth2 reads them, as the environment's profile declares. What the provider really sent
//! (its status) stays what error messages quote.

use super::AnswerShape;
use serde_json::{Map, Value};

/// An answer as it reaches oauth2.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Answer {
    pub status: u16,
    /// Set when the body was rewritten as JSON.
    pub json: bool,
    pub body: Vec<u8>,
}

/// Rewrites an answer of `shape` into the standard one; a standard answer passes unchanged.
pub(crate) fn normalize(shape: AnswerShape, status: u16, media: &str, body: Vec<u8>) -> Answer {
    let unchanged = |body| Answer {
        status,
        json: false,
        body,
    };
    let object = match shape {
        AnswerShape::Standard => return unchanged(body),
        AnswerShape::Github if media == "application/x-www-form-urlencoded" => form_object(&body),
        _ => match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(object)) => object,
            _ => return unchanged(body),
        },
    };
    let (status, object) = match shape {
        AnswerShape::Standard => unreachable!("returned above"),
        AnswerShape::Github => github(status, object),
        AnswerShape::Slack => slack(status, object),
        AnswerShape::Google => (status, google(object)),
    };
    Answer {
        status,
        json: true,
        body: Value::Object(object).to_string().into_bytes(),
    }
}

/// A form-encoded answer as a JSON object; lifetimes become numbers, as JSON answers have them.
fn form_object(body: &[u8]) -> Map<String, Value> {
    url::form_urlencoded::parse(body)
        .map(|(name, value)| {
            let number = matches!(name.as_ref(), "expires_in" | "refresh_token_expires_in")
                .then(|| value.parse::<u64>().ok())
                .flatten();
            let value = number.map_or_else(|| Value::String(value.into_owned()), Value::from);
            (name.into_owned(), value)
        })
        .collect()
}

/// GitHub refuses with HTTP 200 and an `error` field.
fn github(status: u16, object: Map<String, Value>) -> (u16, Map<String, Value>) {
    if status == 200 && object.contains_key("error") {
        (400, object)
    } else {
        (status, object)
    }
}

/// Slack: `ok: false` is a refusal; `bot` and `user` tokens are Bearer tokens; a sign-in that
/// asked only for user scopes has its token under `authed_user`.
fn slack(status: u16, mut object: Map<String, Value>) -> (u16, Map<String, Value>) {
    match object.get("ok") {
        Some(Value::Bool(false)) => {
            let error = object
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("error")
                .to_owned();
            let mut description = "Slack answered ok: false".to_owned();
            if let Some(needed) = object.get("needed").and_then(Value::as_str) {
                description.push_str(&format!("; the app needs the scope {needed}"));
            }
            let refusal = Map::from_iter([
                ("error".to_owned(), Value::String(error)),
                ("error_description".to_owned(), Value::String(description)),
            ]);
            return (400, refusal);
        }
        Some(Value::Bool(true)) => {}
        _ => return (status, object),
    }
    if !object.contains_key("access_token")
        && let Some(Value::Object(user)) = object.get("authed_user").cloned()
    {
        for field in [
            "access_token",
            "token_type",
            "scope",
            "refresh_token",
            "expires_in",
        ] {
            if let Some(value) = user.get(field) {
                object.insert(field.to_owned(), value.clone());
            }
        }
    }
    if matches!(
        object.get("token_type").and_then(Value::as_str),
        Some("bot" | "user")
    ) {
        object.insert("token_type".to_owned(), Value::String("Bearer".into()));
    }
    (status, object)
}

/// Google's token info gives times and lifetimes as strings of digits. (Its device answer's
/// `verification_url` needs nothing: oauth2 reads it as RFC 8628's `verification_uri`.)
fn google(mut object: Map<String, Value>) -> Map<String, Value> {
    for field in ["expires_in", "exp"] {
        let number = object
            .get(field)
            .and_then(Value::as_str)
            .and_then(|text| text.parse::<u64>().ok());
        if let Some(number) = number {
            object.insert(field.to_owned(), Value::from(number));
        }
    }
    object
}

/// Which provider's shape an answer that oauth2 could not read has, when it is a known one:
/// named in the message, with the profile that reads it.
pub(crate) fn recognize(media: &str, body: &[u8]) -> Option<&'static str> {
    if media == "application/x-www-form-urlencoded"
        && url::form_urlencoded::parse(body)
            .any(|(name, _)| name == "access_token" || name == "error")
    {
        return Some(
            "a form-encoded token answer, as GitHub sends: choose the GitHub profile for this \
             environment",
        );
    }
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    if object.get("ok").is_some_and(Value::is_boolean) {
        return Some(
            "Slack's answer shape (ok, authed_user): choose the Slack profile for this \
             environment",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(answer: &Answer) -> Value {
        serde_json::from_slice(&answer.body).unwrap()
    }

    #[test]
    fn a_standard_answer_passes_byte_for_byte() {
        let body = br#"{"ok":false,"error":"x"}"#.to_vec();
        let answer = normalize(AnswerShape::Standard, 200, "application/json", body.clone());
        assert_eq!(
            answer,
            Answer {
                status: 200,
                json: false,
                body
            }
        );
    }

    #[test]
    fn github_form_answers_become_json_and_its_200_refusals_a_400() {
        let token = normalize(
            AnswerShape::Github,
            200,
            "application/x-www-form-urlencoded",
            b"access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer&expires_in=28800"
                .to_vec(),
        );
        assert_eq!(token.status, 200);
        assert_eq!(
            json(&token),
            serde_json::json!({"access_token": "gho_16C7e42F292c6912E7710c838347Ae178B4a",
                "scope": "repo,gist", "token_type": "bearer", "expires_in": 28800})
        );
        let refusal = normalize(
            AnswerShape::Github,
            200,
            "application/json",
            br#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}"#.to_vec(),
        );
        assert_eq!(refusal.status, 400);
    }

    #[test]
    fn slack_refusals_and_user_tokens_take_the_standard_shape() {
        let refusal = normalize(
            AnswerShape::Slack,
            200,
            "application/json",
            br#"{"ok":false,"error":"invalid_code"}"#.to_vec(),
        );
        assert_eq!(refusal.status, 400);
        assert_eq!(
            json(&refusal),
            serde_json::json!({"error": "invalid_code",
                "error_description": "Slack answered ok: false"})
        );
        let user_only = normalize(
            AnswerShape::Slack,
            200,
            "application/json",
            br#"{"ok":true,"app_id":"A1","authed_user":{"id":"U1","scope":"chat:write","access_token":"xoxp-1","token_type":"user"},"team":{"id":"T1"}}"#.to_vec(),
        );
        let user_only = json(&user_only);
        assert_eq!(user_only["access_token"], "xoxp-1");
        assert_eq!(user_only["token_type"], "Bearer");
        assert_eq!(user_only["scope"], "chat:write");
    }

    #[test]
    fn known_foreign_shapes_are_recognized_and_others_are_not() {
        assert!(
            recognize("application/x-www-form-urlencoded", b"error=bad&x=1")
                .unwrap()
                .contains("GitHub")
        );
        assert!(
            recognize("application/json", br#"{"ok":false}"#)
                .unwrap()
                .contains("Slack")
        );
        assert_eq!(recognize("application/json", br#"{"error":"x"}"#), None);
        assert_eq!(recognize("text/html", b"<html>"), None);
    }
}
