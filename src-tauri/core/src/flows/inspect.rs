//! What the provider says of a token: introspection (RFC 7662), a Doorkeeper-style token-info
//! endpoint, and revocation (RFC 7009).

use super::lifetime::lifetime_of;
use super::{
    ClientAuth, Doing, Exchange, IntrospectionResponse, client_form_post, fields_of, net_error,
    oauth_client, oauth_error, provider_error, request_error,
};
use crate::error::{Error, Result};
use crate::http::{HttpClient, Response};
use crate::model::{Field, ProviderProfile, Secret, Timestamp, TokenInfo};
use crate::profile::{TokenInfoRule, answers};
use oauth2::{AccessToken, IntrospectionUrl, TokenIntrospectionResponse};

/// Asks the introspection endpoint whether the token is active; `active` is true only when the
/// server sent the JSON boolean `true` (anything else fails to parse, and says so).
pub async fn introspect(
    http: &HttpClient,
    url: &str,
    auth: ClientAuth<'_>,
    token: &Secret,
) -> Result<(bool, Vec<Field>)> {
    let doing = Doing {
        what: "Introspection",
        url,
        scopes: &[],
    };
    let endpoint = IntrospectionUrl::new(url.to_owned()).map_err(|e| {
        Error::NotConfigured(format!("The introspection URL “{url}” is not valid ({e})."))
    })?;
    let client = oauth_client(&auth).set_introspection_url(endpoint);
    let access_token = AccessToken::new(token.expose().to_owned());
    let exchange = Exchange::new(http, &auth);
    let answer = client
        .introspect(&access_token)
        .set_token_type_hint("access_token")
        .request_async(&exchange)
        .await
        .map_err(|error| request_error(error, &exchange, &doing))?;
    Ok(introspection_answer(&answer))
}

/// What an introspection answer says: whether the token is active, and its fields for display.
pub(crate) fn introspection_answer(answer: &IntrospectionResponse) -> (bool, Vec<Field>) {
    let json = serde_json::to_value(answer).unwrap_or_default();
    let fields = json.as_object().map(fields_of).unwrap_or_default();
    (answer.active(), fields)
}

/// Revokes the token at the revocation endpoint (RFC 7009: 200 means done, whether or not
/// the token was still valid).
pub async fn revoke(
    http: &HttpClient,
    url: &str,
    auth: ClientAuth<'_>,
    token: &Secret,
) -> Result<()> {
    let doing = Doing {
        what: "Revocation",
        url,
        scopes: &[],
    };
    let request = client_form_post(
        url,
        &auth,
        &[
            ("token", token.expose()),
            ("token_type_hint", "access_token"),
        ],
    )?;
    let response = http.send(request).await.map_err(net_error)?;
    if response.status == 200 {
        return Ok(());
    }
    Err(oauth_error(&response, &doing))
}

/// Asks a token-info endpoint about the token: Doorkeeper-style (GET with the token as Bearer),
/// or as the profile says (Google: POST with the token as a form field); an answer of the
/// profile's shape is read as a standard one.
pub async fn token_info(
    http: &HttpClient,
    url: &str,
    profile: ProviderProfile,
    token_type: &str,
    token: &Secret,
    now: Timestamp,
) -> Result<TokenInfo> {
    let doing = Doing {
        what: "The token-info request",
        url,
        scopes: &[],
    };
    let rules = crate::profile::rules(profile);
    let request = match rules.token_info {
        TokenInfoRule::Bearer => http::Request::get(url)
            .header(http::header::ACCEPT, "application/json")
            .header(
                http::header::AUTHORIZATION,
                format!("{} {}", bearer_scheme(token_type), token.expose()),
            )
            .body(Vec::new()),
        TokenInfoRule::FormField => http::Request::post(url)
            .header(http::header::ACCEPT, "application/json")
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("access_token", token.expose())
                    .finish()
                    .into_bytes(),
            ),
    }
    .map_err(|e| Error::NotConfigured(format!("The token-info URL “{url}” is not valid ({e}).")))?;
    let mut response = http.send(request).await.map_err(net_error)?;
    let answer = answers::normalize(
        rules.answers,
        response.status,
        &response.media_type(),
        std::mem::take(&mut response.body),
    );
    response.body = answer.body;
    response.status = answer.status;
    token_info_from(&response, &doing, now)
}

/// Reads a token-info answer: the JSON object's known fields, or the provider's refusal.
pub(crate) fn token_info_from(
    response: &Response,
    doing: &Doing<'_>,
    now: Timestamp,
) -> Result<TokenInfo> {
    let json: Option<serde_json::Value> = serde_json::from_slice(&response.body).ok();
    let object = json.as_ref().and_then(serde_json::Value::as_object);
    match (response.status, object) {
        (200, Some(object)) => {
            let text = |value: &serde_json::Value| match value {
                serde_json::Value::String(text) => Some(text.clone()),
                serde_json::Value::Number(number) => Some(number.to_string()),
                _ => None,
            };
            let scopes = match &object.get("scope").or_else(|| object.get("scopes")) {
                Some(serde_json::Value::Array(items)) => items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect(),
                Some(serde_json::Value::String(text)) => {
                    text.split_whitespace().map(str::to_owned).collect()
                }
                _ => Vec::new(),
            };
            let expires_in = ["expires_in", "expires_in_seconds"]
                .iter()
                .find_map(|field| Some((*field, object.get(*field)?)))
                .and_then(|(field, value)| lifetime_of(&doing.host(), field, value))
                .transpose()?;
            Ok(TokenInfo {
                resource_owner_id: object.get("resource_owner_id").and_then(text),
                scopes,
                expires_in_seconds: expires_in.map(|d| d.as_secs() as i64),
                application_uid: object
                    .get("application")
                    .and_then(|application| application.get("uid"))
                    .and_then(text),
                created_at: object
                    .get("created_at")
                    .and_then(serde_json::Value::as_i64)
                    .and_then(Timestamp::from_unix),
                fields: fields_of(object),
                checked_at: now,
            })
        }
        (status, Some(object)) if object.get("error").and_then(|e| e.as_str()).is_some() => {
            Err(provider_error(
                status,
                object["error"].as_str().unwrap_or_default().to_owned(),
                object
                    .get("error_description")
                    .and_then(|d| d.as_str())
                    .map(str::to_owned),
                doing,
            ))
        }
        (status, _) => Err(Error::BadResponse(format!(
            "{} answered the token-info request with HTTP {status} and {}, not the JSON \
             object expected. Check the token-info URL.",
            doing.host(),
            match response.media_type().as_str() {
                "" => "no typed body".to_owned(),
                media => format!("“{media}”"),
            }
        ))),
    }
}

/// The Authorization scheme for a token type: `Bearer` unless the server said otherwise.
pub(crate) fn bearer_scheme(token_type: &str) -> &str {
    if token_type.eq_ignore_ascii_case("bearer") || token_type.is_empty() {
        "Bearer"
    } else {
        token_type
    }
}
