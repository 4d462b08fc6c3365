//! Pushed authorization requests (RFC 9126): the authorization request's parameters go to the
//! provider in an authenticated POST, and the browser gets only `client_id` and the
//! `request_uri` the provider answered with, so nothing in the browser's address can be read or
//! changed on the way.
//!
//! The push authenticates like a token request (the one client-authentication path,
//! [`client_form_post`]; JWT assertions addressed as token requests' are, which RFC 9126 §2
//! says the server accepts). A DPoP-bound app's push carries `dpop_jkt` among the parameters,
//! which binds the code to its key (RFC 9449 §10.1 makes a DPoP header on the push an
//! alternative to it, not a requirement).

use super::lifetime::lifetime_of;
use super::{ClientAuth, Doing, client_form_post, net_error, oauth_error};
use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::model::AuthMethod;
use std::time::Duration;

/// The longest `request_uri` taken: it goes into the browser's address.
const MAX_REQUEST_URI: usize = 2048;

/// What the provider gave for a pushed request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pushed {
    /// The reference the browser sends instead of the parameters.
    pub request_uri: String,
    /// How long the reference can be used.
    pub expires_in: Duration,
}

/// The parameters to push: those of the full authorization `url` that `authorize_url` itself
/// does not carry, without `client_id` (sent with the client authentication).
pub fn pushed_parameters(url: &str, authorize_url: &str) -> Result<Vec<(String, String)>> {
    let parse = |url: &str| {
        url::Url::parse(url).map_err(|e| {
            Error::NotConfigured(format!("The authorization URL “{url}” is not valid ({e})."))
        })
    };
    let own: Vec<(String, String)> = parse(authorize_url)?.query_pairs().into_owned().collect();
    Ok(parse(url)?
        .query_pairs()
        .into_owned()
        .filter(|pair| pair.0 != "client_id" && !own.contains(pair))
        .collect())
}

/// The address the browser gets for a pushed request: `authorize_url` with `client_id` and
/// `request_uri` only (RFC 9126 §4).
pub fn pushed_url(authorize_url: &str, client_id: &str, request_uri: &str) -> Result<String> {
    let mut url = url::Url::parse(authorize_url).map_err(|e| {
        Error::NotConfigured(format!(
            "The authorization URL “{authorize_url}” is not valid ({e})."
        ))
    })?;
    url.query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("request_uri", request_uri);
    Ok(url.into())
}

/// The provider's answer to a push (RFC 9126 §2.2).
#[derive(serde::Deserialize)]
struct Answer {
    request_uri: String,
    expires_in: serde_json::Value,
}

/// Pushes an authorization request's `params` to `par_url`, authenticated as the client.
pub async fn push_authorization(
    http: &HttpClient,
    par_url: &str,
    auth: ClientAuth<'_>,
    params: &[(String, String)],
) -> Result<Pushed> {
    let doing = Doing {
        what: "The pushed authorization request",
        url: par_url,
        scopes: &[],
    };
    let mut fields: Vec<(&str, &str)> = params
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    // `client_id` is an authorization parameter too (RFC 9126 §2.1): the other methods send it
    // as part of the client authentication, Basic only in its header.
    if auth.method == AuthMethod::ClientSecretBasic && auth.secret.is_some() {
        fields.insert(0, ("client_id", auth.client_id));
    }
    let request = client_form_post(par_url, &ClientAuth { dpop: None, ..auth }, &fields)?;
    let response = http.send(request).await.map_err(net_error)?;
    // RFC 9126 §2.2 says 201; some providers answer 200 with the same body.
    if !matches!(response.status, 200 | 201) {
        return Err(oauth_error(&response, &doing));
    }
    let answer: Answer = match super::parse_json(&response.body) {
        Ok(answer) => answer,
        Err(_) if !response.media_type().contains("json") => {
            return Err(super::unexpected_answer(
                response.status,
                &response.media_type(),
                &doing,
            ));
        }
        Err(problem) => {
            return Err(Error::BadResponse(format!(
                "{} to {} got an answer Authdeck cannot read: {problem}.",
                doing.what,
                doing.host()
            )));
        }
    };
    pushed(answer, &doing)
}

/// A push's answer, checked: a `request_uri` that can go into an address, a sane lifetime.
fn pushed(answer: Answer, doing: &Doing<'_>) -> Result<Pushed> {
    let uri = &answer.request_uri;
    if uri.is_empty()
        || uri.len() > MAX_REQUEST_URI
        || uri.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(Error::BadResponse(format!(
            "{} to {} got a request_uri that is empty, longer than {MAX_REQUEST_URI} characters \
             or holds spaces or control characters; the sign-in was not started.",
            doing.what,
            doing.host()
        )));
    }
    let expires_in =
        lifetime_of(&doing.host(), "expires_in", &answer.expires_in).unwrap_or_else(|| {
            Err(Error::BadResponse(format!(
                "{} to {} got an expires_in that is not a number of seconds; the sign-in was \
                 not started.",
                doing.what,
                doing.host()
            )))
        })?;
    Ok(Pushed {
        request_uri: answer.request_uri,
        expires_in,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doing() -> Doing<'static> {
        Doing {
            what: "The pushed authorization request",
            url: "https://id.example.com/par",
            scopes: &[],
        }
    }

    fn answer(request_uri: &str, expires_in: serde_json::Value) -> Answer {
        Answer {
            request_uri: request_uri.to_owned(),
            expires_in,
        }
    }

    #[test]
    fn the_browser_gets_only_the_client_and_the_reference() {
        let url = pushed_url(
            "https://id.example.com/authorize?tenant=a",
            "app 1",
            "urn:ietf:params:oauth:request_uri:abc",
        )
        .unwrap();
        assert_eq!(
            url,
            "https://id.example.com/authorize?tenant=a&client_id=app+1&request_uri=urn%3Aietf%3A\
             params%3Aoauth%3Arequest_uri%3Aabc"
        );
    }

    #[test]
    fn the_push_carries_every_parameter_but_the_client_and_the_endpoints_own() {
        let params = pushed_parameters(
            "https://id.example.com/authorize?tenant=a&response_type=code&client_id=c&state=s\
             &code_challenge=x&scope=openid+read",
            "https://id.example.com/authorize?tenant=a",
        )
        .unwrap();
        let names: Vec<&str> = params.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["response_type", "state", "code_challenge", "scope"]);
        assert_eq!(params[3].1, "openid read");
    }

    #[test]
    fn an_unusable_request_uri_or_lifetime_is_refused() {
        let refused = |a: Answer| pushed(a, &doing()).unwrap_err();
        for uri in ["", "urn:x y", "urn:x\u{1b}[2J", &"u".repeat(2049)] {
            let error = refused(answer(uri, serde_json::json!(60)));
            assert_eq!(error.code(), crate::ErrorCode::BadResponse, "{uri:?}");
        }
        let error = refused(answer("urn:x", serde_json::json!("60")));
        assert!(error.to_string().contains("expires_in"), "{error}");
        let error = refused(answer("urn:x", serde_json::json!(-1)));
        assert!(error.to_string().contains("negative"), "{error}");
        assert_eq!(
            pushed(answer("urn:x", serde_json::json!(90)), &doing()).unwrap(),
            Pushed {
                request_uri: "urn:x".into(),
                expires_in: Duration::from_secs(90)
            }
        );
    }
}
