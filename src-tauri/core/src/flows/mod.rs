//! OAuth 2.0 exchanges with an authorization server: the oauth2 crate builds and parses them,
//! [`HttpClient`] carries them, and every failure becomes a typed [`Error`] that quotes the
//! provider's own `error` / `error_description` (RFC 6749 §5.2) and says what to check next.

mod api;
pub(crate) mod assertion;
mod authorization;
pub(crate) mod client_credentials;
pub(crate) mod device;
pub(crate) mod discovery;
pub mod dpop;
mod id_token;
pub(crate) mod inspect;
mod lifetime;
mod par;
pub(crate) mod registry;
pub(crate) mod token_exchange;

pub use api::{call_api, curl_command, dpop_curl_command};
pub use assertion::{ASSERTION_LIFETIME_SECONDS, ASSERTION_TYPE, AssertionContext};
pub use authorization::{
    AuthorizationRequest, Authorize, RefreshFailure, authorization_request, check_authorize_url,
    exchange_code, refresh,
};
pub use client_credentials::{ClientCredentials, Minted, client_credentials};
pub use device::{DeviceAuthorization, device_authorization, poll_device_token};
pub use discovery::discover;
pub use dpop::{DpopContext, NonceFrom, Nonces};
pub use id_token::{IdTokenCheck, fetch_jwks, validate_id_token};
pub use inspect::{introspect, revoke, token_info};
pub use lifetime::MAX_LIFETIME;
pub(crate) use lifetime::expiry;
pub use par::{Pushed, push_authorization, pushed_parameters, pushed_url};
pub use registry::{AppRegistry, Created, OauthAppsApi, Registration, Remote};
pub use token_exchange::{TOKEN_EXCHANGE_GRANT, TokenExchange, exchange_token};

use crate::error::Error;
use crate::http::{HttpClient, NetError, host_of};
use crate::model::{AuthMethod, Field, ProviderProfile, Secret};
use crate::profile::{self, answers};
use oauth2::basic::{BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenType};
use oauth2::{
    AsyncHttpClient, AuthType, ClientId, ClientSecret, ExtraTokenFields, HttpRequest, HttpResponse,
    RequestTokenError, StandardRevocableToken, StandardTokenIntrospectionResponse,
    StandardTokenResponse,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

/// Who the client is at the server and how it authenticates; the server's profile says how
/// its requests and answers depart from the standards.
#[derive(Clone, Copy, Debug)]
pub struct ClientAuth<'a> {
    pub client_id: &'a str,
    /// None for public clients.
    pub secret: Option<&'a Secret>,
    pub method: AuthMethod,
    pub profile: ProviderProfile,
    /// For the JWT methods: where assertions are addressed and the clock that dates them.
    pub assertion: Option<AssertionContext<'a>>,
    /// For a DPoP-bound app: the key its token requests' proofs are signed with.
    pub dpop: Option<DpopContext<'a>>,
}

/// A form POST authenticated as the client, for endpoints oauth2 will not call over loopback
/// http (its revocation request insists on https). Basic credentials are form-urlencoded
/// before base64, as RFC 6749 §2.3.1 requires.
pub(crate) fn client_form_post(
    url: &str,
    auth: &ClientAuth<'_>,
    params: &[(&str, &str)],
) -> Result<http::Request<Vec<u8>>, Error> {
    use base64::Engine;
    let encode =
        |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.extend_pairs(params);
    let mut builder = http::Request::post(url)
        .header(http::header::ACCEPT, "application/json")
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        );
    match (auth.method, auth.secret) {
        (AuthMethod::ClientSecretBasic, Some(secret)) => {
            let credentials = format!("{}:{}", encode(auth.client_id), encode(secret.expose()));
            let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
            builder = builder.header(http::header::AUTHORIZATION, format!("Basic {encoded}"));
        }
        (AuthMethod::ClientSecretJwt | AuthMethod::PrivateKeyJwt, _) => {
            form.append_pair("client_id", auth.client_id);
            for (name, value) in assertion::assertion_fields(auth)?.into_iter().flatten() {
                form.append_pair(name, &value);
            }
        }
        (_, secret) => {
            form.append_pair("client_id", auth.client_id);
            if let Some(secret) = secret {
                form.append_pair("client_secret", secret.expose());
            }
        }
    }
    builder
        .body(form.finish().into_bytes())
        .map_err(|e| Error::NotConfigured(format!("The URL “{url}” is not valid ({e}).")))
}

/// Non-standard fields of a token response Authdeck reads (Doorkeeper's `created_at`, the
/// OpenID Connect `id_token`). Its Debug leaves the ID token out.
#[derive(Clone, Default, Deserialize, Serialize)]
pub(crate) struct TokenExtras {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created_at: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
    /// How long the refresh token lives (Keycloak's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_expires_in: Option<serde_json::Value>,
    /// How long the refresh token lives (GitHub's and Microsoft's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token_expires_in: Option<serde_json::Value>,
    /// The API base for this token (Salesforce).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    instance_url: Option<serde_json::Value>,
}
impl ExtraTokenFields for TokenExtras {}

impl std::fmt::Debug for TokenExtras {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenExtras")
            .field("created_at", &self.created_at)
            .field("id_token", &self.id_token.as_ref().map(|_| "[redacted]"))
            .field("refresh_expires_in", &self.refresh_expires_in)
            .field("refresh_token_expires_in", &self.refresh_token_expires_in)
            .field("instance_url", &self.instance_url)
            .finish()
    }
}

/// Every other field of an introspection answer, kept for display.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub(crate) struct OtherFields {
    #[serde(flatten)]
    rest: BTreeMap<String, serde_json::Value>,
}
impl ExtraTokenFields for OtherFields {}

pub(crate) type TokenResponse = StandardTokenResponse<TokenExtras, BasicTokenType>;
pub(crate) type IntrospectionResponse =
    StandardTokenIntrospectionResponse<OtherFields, BasicTokenType>;
type OauthClient = oauth2::Client<
    BasicErrorResponse,
    TokenResponse,
    IntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
>;

/// The oauth2 client for `auth`. With the JWT methods it sends only `client_id` (no secret, no
/// Basic header); [`Exchange`] adds the assertion as each request leaves.
fn oauth_client(auth: &ClientAuth<'_>) -> OauthClient {
    let client = OauthClient::new(ClientId::new(auth.client_id.to_owned())).set_auth_type(
        match auth.method {
            AuthMethod::ClientSecretBasic => AuthType::BasicAuth,
            AuthMethod::ClientSecretPost
            | AuthMethod::ClientSecretJwt
            | AuthMethod::PrivateKeyJwt
            | AuthMethod::TlsClientAuth
            | AuthMethod::SelfSignedTlsClientAuth
            | AuthMethod::None => AuthType::RequestBody,
        },
    );
    match (auth.secret, auth.method) {
        (Some(secret), AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost) => {
            client.set_client_secret(ClientSecret::new(secret.expose().to_owned()))
        }
        _ => client,
    }
}

/// The name of a token type as people write it.
fn token_type_name(token_type: &BasicTokenType) -> String {
    match token_type {
        BasicTokenType::Bearer => "Bearer".into(),
        BasicTokenType::Mac => "MAC".into(),
        BasicTokenType::Extension(name) => name.clone(),
    }
}

/// What the last response looked like, for messages about answers oauth2 could not parse. No
/// Debug: the body may hold tokens.
#[derive(Clone)]
struct Seen {
    /// The status the provider sent (not the one a profile's rewrite gave oauth2).
    status: u16,
    media_type: String,
    /// The body as oauth2 got it, read again only when oauth2 could not read it.
    body: Vec<u8>,
}

/// One exchange's transport: [`HttpClient`] under oauth2, authenticating each request by JWT
/// when the client's method says so, remembering what came back and rewriting answers of the
/// profile's shape into the standard one.
pub(crate) struct Exchange<'h> {
    http: &'h HttpClient,
    auth: ClientAuth<'h>,
    answers: profile::AnswerShape,
    seen: Mutex<Option<Seen>>,
}

impl<'h> Exchange<'h> {
    /// An exchange with an endpoint other than the token endpoint: no DPoP proof.
    fn new(http: &'h HttpClient, auth: &ClientAuth<'h>) -> Self {
        Self::token(
            http,
            &ClientAuth {
                dpop: None,
                ..*auth
            },
        )
    }

    /// A token request: with a DPoP proof when the app is DPoP-bound.
    fn token(http: &'h HttpClient, auth: &ClientAuth<'h>) -> Self {
        Self {
            http,
            auth: *auth,
            answers: profile::rules(auth.profile).answers,
            seen: Mutex::new(None),
        }
    }

    /// Sends a token request with a DPoP proof. A `use_dpop_nonce` refusal that brings a
    /// `DPoP-Nonce` is sent once more with it (RFC 9449 §8), with a fresh proof and assertion
    /// (each `jti` is single-use); a second refusal is the caller's error to show.
    async fn send_with_proof(
        &self,
        request: &HttpRequest,
        dpop: &DpopContext<'_>,
    ) -> Result<crate::http::Response, NetError> {
        let url = request.uri().to_string();
        let response = self.http.send(self.proven(request, dpop, &url)?).await?;
        let nonce = dpop::nonce_of(&response.headers);
        if let Some(nonce) = &nonce {
            dpop.nonces
                .remember(NonceFrom::AuthorizationServer, &url, nonce);
        }
        if nonce.is_none() || response.status != 400 || !dpop::asks_for_nonce(&response.body) {
            return Ok(response);
        }
        let retried = self.http.send(self.proven(request, dpop, &url)?).await?;
        if let Some(nonce) = dpop::nonce_of(&retried.headers) {
            dpop.nonces
                .remember(NonceFrom::AuthorizationServer, &url, &nonce);
        }
        Ok(retried)
    }

    /// A copy of `request` with a fresh DPoP proof (and client assertion) for it.
    fn proven(
        &self,
        request: &HttpRequest,
        dpop: &DpopContext<'_>,
        url: &str,
    ) -> Result<HttpRequest, NetError> {
        let refused = |error: Error| NetError::Refused(error.to_string());
        let nonce = dpop.nonces.latest(NonceFrom::AuthorizationServer, url);
        let proof = dpop::proof(dpop, request.method().as_str(), url, None, nonce.as_deref())
            .map_err(refused)?;
        let mut copy = http::Request::new(request.body().clone());
        *copy.method_mut() = request.method().clone();
        *copy.uri_mut() = request.uri().clone();
        *copy.headers_mut() = request.headers().clone();
        let value = http::HeaderValue::from_str(&proof)
            .map_err(|_| NetError::Refused("The DPoP proof is not a header value.".into()))?;
        copy.headers_mut().insert(dpop::DPOP_HEADER, value);
        self.with_assertion(copy)
    }

    /// Adds a fresh client assertion to a form request's body (oauth2 sent only `client_id`).
    fn with_assertion(&self, mut request: HttpRequest) -> Result<HttpRequest, NetError> {
        let fields = assertion::assertion_fields(&self.auth)
            .map_err(|error| NetError::Refused(error.to_string()))?;
        if let Some(fields) = fields {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.extend_pairs(fields.iter().map(|(name, value)| (*name, value.as_str())));
            let body = request.body_mut();
            if !body.is_empty() {
                body.push(b'&');
            }
            body.extend_from_slice(form.finish().as_bytes());
        }
        Ok(request)
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, NetError> {
        let response = match &self.auth.dpop {
            Some(dpop) => self.send_with_proof(&request, dpop).await?,
            None => self.http.send(self.with_assertion(request)?).await?,
        };
        let media_type = response.media_type();
        let answer = answers::normalize(self.answers, response.status, &media_type, response.body);
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(Seen {
                status: response.status,
                body: answer.body.clone(),
                media_type,
            });
        }
        let mut builder = http::Response::builder().status(answer.status);
        if let Some(headers) = builder.headers_mut() {
            *headers = response.headers;
            if answer.json {
                headers.insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static("application/json"),
                );
            }
        }
        builder.body(answer.body).map_err(|e| NetError::Other {
            host: String::new(),
            detail: e.to_string(),
        })
    }

    fn seen(&self) -> Option<Seen> {
        self.seen.lock().ok().and_then(|seen| seen.clone())
    }
}

impl<'c> AsyncHttpClient<'c> for Exchange<'_> {
    type Error = NetError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, NetError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

/// What was being done, for error messages.
pub(crate) struct Doing<'a> {
    /// "The token request", "Introspection" ...
    pub what: &'a str,
    /// The endpoint's URL.
    pub url: &'a str,
    /// The scopes asked for, named when the server refuses one.
    pub scopes: &'a [String],
}

impl Doing<'_> {
    fn host(&self) -> String {
        url::Url::parse(self.url).map_or_else(|_| self.url.to_owned(), |url| host_of(&url))
    }
}

/// Maps a transport failure.
pub(crate) fn net_error(error: NetError) -> Error {
    match error {
        NetError::Timeout { .. } => Error::Timeout(error.to_string()),
        NetError::Redirect { .. } | NetError::TooLarge { .. } => {
            Error::BadResponse(error.to_string())
        }
        NetError::Refused(message) => Error::NotConfigured(message),
        NetError::Connect { .. } | NetError::Tls { .. } | NetError::Other { .. } => {
            Error::Network(error.to_string())
        }
    }
}

/// Maps an oauth2 failure to a typed error that says what to do.
pub(crate) fn request_error<T: oauth2::ErrorResponse + 'static>(
    error: RequestTokenError<NetError, T>,
    exchange: &Exchange<'_>,
    doing: &Doing<'_>,
) -> Error {
    let seen = exchange.seen();
    let status = seen.as_ref().map_or(0, |seen| seen.status);
    // An unreadable answer of a known provider's shape: say whose, and which profile reads it.
    let shape = match (&error, &seen) {
        (RequestTokenError::Parse(..) | RequestTokenError::Other(_), Some(seen)) => {
            answers::recognize(&seen.media_type, &seen.body)
        }
        _ => None,
    };
    if let Some(shape) = shape {
        return Error::BadResponse(format!("{} to {} got {shape}.", doing.what, doing.host()));
    }
    match error {
        RequestTokenError::Request(net) => net_error(net),
        RequestTokenError::ServerResponse(response) => {
            let json = serde_json::to_value(&response).unwrap_or_default();
            let code = json["error"].as_str().unwrap_or("error").to_owned();
            let description = json["error_description"]
                .as_str()
                .map(|text| clip(text, 300));
            provider_error(status, code, description, doing)
        }
        RequestTokenError::Parse(parse, _) => {
            let media = seen.map(|seen| seen.media_type).unwrap_or_default();
            if status == 200 && media.contains("json") {
                Error::BadResponse(format!(
                    "{} to {} got a response Authdeck cannot read: {}.",
                    doing.what,
                    doing.host(),
                    json_problem(parse.inner(), &parse.path().to_string())
                ))
            } else {
                unexpected_answer(status, &media, doing)
            }
        }
        RequestTokenError::Other(said) if status == 200 && said.contains("empty response body") => {
            Error::BadResponse(format!(
                "{} to {} got an empty response instead of a JSON object.",
                doing.what,
                doing.host()
            ))
        }
        RequestTokenError::Other(_) => {
            let media = seen.map(|seen| seen.media_type).unwrap_or_default();
            unexpected_answer(status, &media, doing)
        }
    }
}

/// An OAuth error answer, with the next step for the common ones.
pub(crate) fn provider_error(
    status: u16,
    code: String,
    description: Option<String>,
    doing: &Doing<'_>,
) -> Error {
    let said = match &description {
        Some(text) => format!("{code}: {text}"),
        None => code.clone(),
    };
    let hint = match code.as_str() {
        "invalid_client" => "Check the client ID and secret, and whether the provider expects \
                             client_secret_basic or client_secret_post."
            .to_owned(),
        "invalid_scope" if doing.scopes.is_empty() => {
            "No scope was requested; the provider may require one.".to_owned()
        }
        "invalid_scope" => format!(
            "Requested scope{}: {}. Ask only for scopes this client is allowed.",
            if doing.scopes.len() == 1 { "" } else { "s" },
            doing.scopes.join(" ")
        ),
        "unauthorized_client" => {
            "This client may not use this grant; enable it at the provider.".to_owned()
        }
        "unsupported_grant_type" => {
            "The provider does not offer this grant to this client.".to_owned()
        }
        "invalid_target" => "Check the app's resource indicator.".to_owned(),
        "invalid_token" => "The token has expired or was revoked; get a new one.".to_owned(),
        "use_dpop_nonce" => "The provider wants its DPoP nonce in the proof, and refused \
                             Authdeck's one retry with the nonce it sent (or sent none); try \
                             again, and check this computer's clock."
            .to_owned(),
        "invalid_dpop_proof" => "The provider refused the app's DPoP proof; check this \
                                 computer's clock (a proof is dated by it)."
            .to_owned(),
        _ if status == 415 => "The provider refused the request's content type (HTTP 415); \
                               Authdeck sends application/x-www-form-urlencoded, so check that \
                               the URL is the right endpoint."
            .to_owned(),
        _ => String::new(),
    };
    let status_text = if status == 0 {
        String::new()
    } else {
        format!("HTTP {status}, ")
    };
    Error::Provider {
        status,
        error: code,
        description,
        message: format!(
            "{} was refused by {} ({status_text}{said}). {hint}",
            doing.what,
            doing.host()
        )
        .trim_end()
        .to_owned(),
    }
}

/// An answer other than success from an endpoint Authdeck calls without oauth2: the
/// provider's OAuth error (RFC 6749 §5.2) when it sent one, else what it sent instead.
pub(crate) fn oauth_error(response: &crate::http::Response, doing: &Doing<'_>) -> Error {
    let json: Option<serde_json::Value> = serde_json::from_slice(&response.body).ok();
    let said = |field: &str| {
        json.as_ref()
            .and_then(|json| json.get(field))
            .and_then(serde_json::Value::as_str)
    };
    match said("error") {
        Some(code) => provider_error(
            response.status,
            clip(code, 100),
            said("error_description").map(|text| clip(text, 300)),
            doing,
        ),
        None => unexpected_answer(response.status, &response.media_type(), doing),
    }
}

/// A response that is not what the protocol expects.
pub(crate) fn unexpected_answer(status: u16, media: &str, doing: &Doing<'_>) -> Error {
    let host = doing.host();
    let what = doing.what;
    let body = match media {
        "" => "an empty or untyped body".to_owned(),
        "text/html" => "an HTML page".to_owned(),
        other => format!("“{other}”"),
    };
    Error::BadResponse(match status {
        415 => format!(
            "{what} was refused by {host} (HTTP 415 Unsupported Media Type). Authdeck sends \
             application/x-www-form-urlencoded, so check that the URL is the right endpoint."
        ),
        500..=599 => format!(
            "{host} failed with a server error (HTTP {status}) and sent {body} instead of an \
             OAuth error. Try again later, or check the provider's status page."
        ),
        200..=299 => format!(
            "{host} answered {what} with {body}, not JSON. Check that the URL is the endpoint \
             itself and not a web page."
        ),
        _ => format!(
            "{host} answered {what} with HTTP {status} and {body} instead of an OAuth error. \
             Check the URL."
        ),
    })
}

/// The first `max` characters of a provider's text, its control characters written as escapes:
/// a provider's words end up in a terminal, and an escape sequence there could rewrite it.
pub(crate) fn clip(text: &str, max: usize) -> String {
    let mut clipped = String::new();
    for c in text.chars().take(max) {
        if c.is_control() {
            clipped.extend(c.escape_default());
        } else {
            clipped.push(c);
        }
    }
    if text.chars().count() > max {
        clipped.push('…');
    }
    clipped
}

/// Reads a JSON answer, or says what is wrong with it ([`json_problem`]). The body must be
/// UTF-8 as a whole (RFC 8259 §8.1): serde checks only the strings it keeps, so bytes that are
/// not text in a field Authdeck ignores would otherwise pass.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    if let Err(error) = std::str::from_utf8(body) {
        return Err(format!(
            "the body is not UTF-8 text (byte {} is not), so it is not JSON",
            error.valid_up_to()
        ));
    }
    let mut reader = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut reader)
        .map_err(|e| json_problem(e.inner(), &e.path().to_string()))
}

/// What is wrong with a JSON answer, in words that never quote a value from it (a value may
/// be a secret): not JSON at all, not an object, a field missing, twice, or of the wrong type.
pub(crate) fn json_problem(error: &serde_json::Error, path: &str) -> String {
    use serde_json::error::Category;
    let said = error.to_string();
    // serde names fields between backticks: "missing field `access_token` at line 1 ..."
    let field = said.split('`').nth(1).unwrap_or(path);
    match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => format!(
            "the body is not JSON (line {}, column {})",
            error.line(),
            error.column()
        ),
        Category::Data if said.starts_with("duplicate field") => format!(
            "the field “{field}” appears twice, so which one is meant is unclear and the \
             answer was refused"
        ),
        Category::Data if said.starts_with("missing field") => {
            format!("the field “{field}” is missing")
        }
        Category::Data if path == "." || path.is_empty() || path.starts_with('[') => {
            "the answer is not a JSON object".to_owned()
        }
        Category::Data => {
            format!("the field “{path}” is of the wrong type or out of range")
        }
    }
}

/// A JSON object's fields for display, with times spelled out.
pub(crate) fn fields_of(object: &serde_json::Map<String, serde_json::Value>) -> Vec<Field> {
    object
        .iter()
        .map(|(name, value)| Field {
            name: name.clone(),
            value: match value {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            },
            note: time_note(name, value),
        })
        .collect()
}

fn time_note(name: &str, value: &serde_json::Value) -> Option<String> {
    const TIME_CLAIMS: &[&str] = &["exp", "iat", "nbf", "auth_time", "created_at", "updated_at"];
    if !TIME_CLAIMS.contains(&name) {
        return None;
    }
    let seconds = value.as_i64()?;
    let at = time::OffsetDateTime::from_unix_timestamp(seconds).ok()?;
    at.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

#[cfg(test)]
mod lifetime_properties;

#[cfg(test)]
mod tests {
    use super::*;

    /// A token request to id.example.com asking for no scopes.
    fn token_request() -> Doing<'static> {
        Doing {
            what: "The token request",
            url: "https://id.example.com/token",
            scopes: &[],
        }
    }

    /// What a token answer of `body` gives.
    fn minted(body: &str) -> Result<Minted, Error> {
        let response: TokenResponse = serde_json::from_str(body).unwrap();
        client_credentials::minted_from(&response, &token_request(), false)
    }

    /// What a token answer with a refresh token and the `extra` fields gives.
    fn minted_with(extra: &str) -> Result<Minted, Error> {
        minted(&format!(
            r#"{{"access_token":"a","token_type":"Bearer","refresh_token":"r"{extra}}}"#
        ))
    }

    #[test]
    fn invalid_scope_names_the_scopes_asked_for() {
        let scopes = vec!["read".to_owned(), "admin".to_owned()];
        let doing = Doing {
            what: "The token request",
            url: "https://id.example.com/token",
            scopes: &scopes,
        };
        let error = provider_error(400, "invalid_scope".into(), Some("admin".into()), &doing);
        assert_eq!(
            error.to_string(),
            "The token request was refused by id.example.com (HTTP 400, invalid_scope: admin). \
             Requested scopes: read admin. Ask only for scopes this client is allowed."
        );
    }

    #[test]
    fn a_refresh_token_lifetime_is_read_under_either_name_and_zero_means_unsaid() {
        let minted = |extra: &str| minted_with(extra).unwrap().refresh_expires_in;
        let hours = |h: u64| Some(std::time::Duration::from_secs(h * 3600));
        assert_eq!(
            minted(r#","refresh_expires_in":1800"#),
            hours(1).map(|d| d / 2)
        );
        assert_eq!(
            minted(r#","refresh_token_expires_in":15897600"#),
            hours(4416)
        );
        assert_eq!(
            minted(r#","refresh_expires_in":0"#),
            None,
            "Keycloak's offline tokens"
        );
        assert_eq!(minted(""), None);
    }

    #[test]
    fn absurd_lifetimes_are_refused_naming_the_field() {
        for (extra, field) in [
            (r#","expires_in":18446744073709551615"#, "expires_in"),
            (r#","expires_in":9223372036854775807"#, "expires_in"),
            (r#","expires_in":316224001"#, "expires_in"),
            (r#","refresh_expires_in":1e300"#, "refresh_expires_in"),
            (r#","refresh_expires_in":-5"#, "refresh_expires_in"),
            (
                r#","refresh_token_expires_in":9223372036854775807"#,
                "refresh_token_expires_in",
            ),
        ] {
            let error = minted_with(extra).unwrap_err();
            assert_eq!(error.code(), crate::ErrorCode::BadResponse, "{extra}");
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("id.example.com answered with {field} ")),
                "{extra}: {error}"
            );
        }
        let ten_years = std::time::Duration::from_secs(316_224_000);
        let kept =
            minted_with(r#","expires_in":316224000,"refresh_expires_in":316224000"#).unwrap();
        assert_eq!(kept.expires_in, Some(ten_years));
        assert_eq!(kept.refresh_expires_in, Some(ten_years));
        let zero = minted_with(r#","expires_in":0"#).unwrap();
        assert_eq!(zero.expires_in, Some(std::time::Duration::ZERO));
    }

    #[test]
    fn a_providers_control_characters_are_shown_as_escapes() {
        assert_eq!(clip("bad\u{1b}[2J\r\nX: y", 300), "bad\\u{1b}[2J\\r\\nX: y");
        assert_eq!(clip("abcdef", 3), "abc…");
    }

    #[test]
    fn a_token_answer_is_refused_for_its_type_or_characters_never_quoting_it() {
        let refused = |body: &str| minted(body).unwrap_err().to_string();
        let mac = refused(r#"{"access_token":"a","token_type":"MAC"}"#);
        assert!(mac.contains("only Bearer tokens"), "{mac}");
        let control = refused(r#"{"access_token":"s3cr\u001bt","token_type":"Bearer"}"#);
        assert!(
            control.contains("characters a token cannot hold"),
            "{control}"
        );
        assert!(!control.contains("s3cr"), "{control}");
        let problem = parse_json::<TokenResponse>(br#"{"access_token":98765432}"#).unwrap_err();
        assert_eq!(
            problem,
            "the field “access_token” is of the wrong type or out of range"
        );
        let twice = parse_json::<TokenResponse>(br#"{"access_token":"a","access_token":"b"}"#);
        assert!(twice.unwrap_err().contains("“access_token” appears twice"));
        let bytes = parse_json::<TokenResponse>(b"{\"x\":\"\xff\"}").unwrap_err();
        assert!(bytes.contains("not UTF-8"), "{bytes}");
    }

    #[test]
    fn times_get_a_readable_note() {
        let object = serde_json::json!({"exp": 0, "sub": "x", "aud": ["a", "b"]});
        let fields = fields_of(object.as_object().unwrap());
        assert_eq!(
            fields,
            vec![
                Field {
                    name: "aud".into(),
                    value: "[\"a\",\"b\"]".into(),
                    note: None
                },
                Field {
                    name: "exp".into(),
                    value: "0".into(),
                    note: Some("1970-01-01T00:00:00Z".into())
                },
                Field {
                    name: "sub".into(),
                    value: "x".into(),
                    note: None
                },
            ]
        );
    }
}
