//! The bodies of the fuzz targets (src-tauri/core/fuzz), here so the nightly fuzzer and an
//! ordinary `cargo test` (tests/fuzz_corpus.rs, which replays the corpus) run the same code.
//!
//! Each takes arbitrary bytes, feeds them to the code that reads that input in production, and
//! panics only when a rule is broken: a panic inside Authdeck, a secret shown in Debug or in a
//! page, a callback accepted that should not be. Not an API: hidden from the docs.

use crate::facade::{Clock, Core};
use crate::flows::{self, TokenResponse};
use crate::http::Response;
use crate::loopback::{Callback, Expected, ListenOptions};
use crate::model::{Secret, Timestamp};
use crate::vault::SecretStore;
use crate::{Error, Result, portable, status, validate};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// A target's body: arbitrary bytes in, a panic only when a rule is broken.
pub type Target = fn(&[u8]);

/// Every target that needs nothing but its input, by the name of its corpus folder.
pub const TARGETS: &[(&str, Target)] = &[
    ("loopback_request", loopback_request),
    ("token_response", token_response),
    ("introspection", introspection),
    ("device_authorization", device_authorization),
    ("registration", registration),
    ("issuer_metadata", issuer_metadata),
    ("jwt_display", jwt_display),
    ("endpoint_url", endpoint_url),
];

/// The import target's corpus folder (it also needs a store: [`import_store`], [`import`]).
pub const IMPORT_TARGET: &str = "import";

/// When every target's input "arrives".
const NOW: i64 = 1_790_000_000;
/// The login the loopback target's requests are judged against.
pub const LOOPBACK_STATE: &str = "fuzz-state-3b1f";
/// The issuer the loopback and metadata targets expect.
pub const ISSUER: &str = "https://id.example.com";

/// Text the doing of an exchange is named with in error messages.
fn doing() -> flows::Doing<'static> {
    flows::Doing {
        what: "The token request",
        url: "https://id.example.com/token",
        scopes: &[],
    }
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// A secret that may not appear in `shown`; short ones match by chance, so they are not checked.
fn assert_hidden(shown: &str, secret: &Secret, what: &str) {
    let value = secret.expose();
    if value.len() >= 8 {
        assert!(!shown.contains(value), "{what} shows a secret: {shown}");
    }
}

/// [`assert_hidden`] for a value whose Debug also shows public fields a provider fills with
/// any text: a secret that the `public` text itself holds (a scope or user code that happens to
/// contain the token's characters) is that field shown, not the secret.
fn assert_hidden_beside(shown: &str, public: &str, secret: &Secret, what: &str) {
    if !public.contains(secret.expose()) {
        assert_hidden(shown, secret, what);
    }
}

/// Raw bytes on one connection of the sign-in's loopback listener: hyper parses them as the
/// listener does, and the listener's own rules answer. The first byte picks whether the
/// provider always sends `iss`.
pub fn loopback_request(data: &[u8]) {
    let iss_required = data.first().is_some_and(|b| b & 1 == 1);
    let options = ListenOptions {
        port: 8080,
        host: "localhost".into(),
        path: "/callback".into(),
        timeout: Duration::from_secs(60),
    };
    let expected = Expected {
        state: LOOPBACK_STATE.into(),
        issuer: crate::loopback::Issuer::Known(ISSUER.into()),
        iss_required,
    };
    let served = crate::loopback::serve_bytes(options, 8080, expected, data);
    // keep-alive is off: one request per connection, accepted or refused (or neither, when
    // hyper refused it before any rule was asked)
    assert!(
        served.callbacks.len() + served.rejections.len() <= 1,
        "{served:?}"
    );
    let page = String::from_utf8_lossy(&served.response);
    if let Some(callback) = served.callbacks.first() {
        assert!(
            // the status line follows the request's version (HTTP/1.0 or 1.1)
            (page.starts_with("HTTP/1.1 303 ") || page.starts_with("HTTP/1.0 303 "))
                && page.contains(crate::loopback::RESULT_PATH),
            "an accepted callback is answered with the redirect to the result page: {page}"
        );
        if let Callback::Code(code) = callback {
            assert_hidden(&page, code, "the callback's answer");
        }
    }
}

/// A token endpoint's answer, read as oauth2 reads it (serde_path_to_error over serde_json),
/// then as Authdeck reads the tokens and their lifetimes.
pub fn token_response(data: &[u8]) {
    let parsed: std::result::Result<TokenResponse, _> =
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(data));
    let Ok(response) = parsed else { return };
    let Ok(minted) = flows::client_credentials::minted_from(&response, &doing(), false) else {
        return;
    };
    let shown = format!("{minted:?}");
    let public = format!("{:?} {:?}", minted.scopes, minted.token_type);
    for secret in [
        Some(&minted.access_token),
        minted.refresh_token.as_ref(),
        minted.id_token.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        assert_hidden_beside(&shown, &public, secret, "Minted's Debug");
    }
    let now = Timestamp::from_unix(NOW).expect("a fixed time");
    let _ = minted.expires_at(now);
}

/// An introspection answer (RFC 7662) as oauth2 reads it, and a token-info endpoint's answer.
pub fn introspection(data: &[u8]) {
    let parsed: std::result::Result<flows::IntrospectionResponse, _> =
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(data));
    if let Ok(answer) = parsed {
        let (active, _fields) = flows::inspect::introspection_answer(&answer);
        // oauth2 reads the first JSON value and ignores what follows it, so the rule does too
        let said = serde_json::Deserializer::from_slice(data)
            .into_iter::<serde_json::Value>()
            .next()
            .and_then(|value| value.ok())
            .unwrap_or_default();
        assert_eq!(
            active,
            said["active"] == serde_json::Value::Bool(true),
            "active only when the server said the JSON true"
        );
    }
    let now = Timestamp::from_unix(NOW).expect("a fixed time");
    for status in [200, 401] {
        let _ = flows::inspect::token_info_from(&answer_of(status, data), &doing(), now);
    }
}

/// A device authorization answer (RFC 8628 §3.2) as oauth2 reads it.
pub fn device_authorization(data: &[u8]) {
    type Answer = oauth2::DeviceAuthorizationResponse<oauth2::EmptyExtraDeviceAuthorizationFields>;
    let parsed: std::result::Result<Answer, _> =
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(data));
    let Ok(answer) = parsed else { return };
    let device_code = Secret::new(answer.device_code().secret().clone());
    let Ok(authorization) = flows::device::DeviceAuthorization::from_response(answer, &doing())
    else {
        return;
    };
    let public = format!(
        "{} {} {:?}",
        authorization.user_code,
        authorization.verification_uri,
        authorization.verification_uri_complete
    );
    assert_hidden_beside(
        &format!("{authorization:?}"),
        &public,
        &device_code,
        "DeviceAuthorization's Debug",
    );
}

/// A client registration answer (RFC 7591 §3.2.1, RFC 7592 §3) and a REST "OAuth apps" answer,
/// read as the app registries read them, with a success and an error status.
pub fn registration(data: &[u8]) {
    use flows::registry::{ClientMetadata, OauthApp, body_of};
    let url = "https://id.example.com/register";
    for status in [200, 201, 400, 401, 403, 404, 409, 500] {
        let response = answer_of(status, data);
        for fallback in [None, Some("https://id.example.com/register/abc")] {
            let read = body_of::<ClientMetadata>(&response, "registering the client", url);
            if let Ok(created) = read.and_then(|client| client.into_created(url, fallback)) {
                let shown = format!("{created:?}");
                for secret in [&created.client_secret, &created.registration_token]
                    .into_iter()
                    .flatten()
                {
                    assert_hidden(&shown, secret, "Created's Debug");
                }
            }
        }
        if let Ok(app) = body_of::<OauthApp>(&response, "reading the app", url) {
            let (remote, secret) = app.into_remote();
            if let Some(secret) = &secret {
                // every field the provider names the app with is public text (an app named
                // after its own secret is the provider's doing); a field added to hold the
                // secret would not be listed here
                let public = format!(
                    "{:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                    remote.remote_id,
                    remote.client_id,
                    remote.fields,
                    remote.created_by,
                    remote.updated_by,
                    remote.create_time,
                    remote.update_time
                );
                assert_hidden_beside(&format!("{remote:?}"), &public, secret, "RemoteApp's Debug");
            }
        }
    }
}

/// An issuer's metadata document (RFC 8414, OpenID Connect Discovery): used only when it names
/// exactly the issuer asked for.
pub fn issuer_metadata(data: &[u8]) {
    let url = url::Url::parse("https://id.example.com/.well-known/openid-configuration")
        .expect("a fixed URL");
    if let Ok(Ok(discovery)) = flows::discovery::read_metadata(&url, ISSUER, data) {
        assert_eq!(
            discovery.issuer, ISSUER,
            "metadata of another issuer was used"
        );
        assert_eq!(discovery.endpoints.issuer_url.as_deref(), Some(ISSUER));
    }
}

/// A token shown decoded (header and claims, never trusted).
pub fn jwt_display(data: &[u8]) {
    if let Some(text) = text(data) {
        let _ = status::decode_jwt(text);
    }
}

/// A URL typed into a form: every check, and an accepted endpoint is one the HTTP client will
/// send to.
pub fn endpoint_url(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if validate::check_endpoint(text).is_ok() {
        let url = url::Url::parse(text).expect("an accepted endpoint parses");
        assert!(crate::http::check_target(&url).is_ok());
        assert!(url.scheme() == "https" || validate::is_loopback(&url));
    }
    if validate::check_redirect_uri(text).is_ok() {
        let url = url::Url::parse(text).expect("an accepted redirect URI parses");
        assert!(url.fragment().is_none());
    }
    let _ = validate::check_web_origin(text);
    let _ = validate::check_scope(text);
}

/// The setup an import is merged into: one environment with one app, as a small export.
pub const IMPORT_SETUP: &str = r##"{
  "authdeck_export": 1,
  "environments": [
    {
      "name": "Staging",
      "kind": "sandbox",
      "color": "#3b82f6",
      "endpoints": { "token_url": "https://id.example.com/token" },
      "apps": [
        {
          "display_name": "Billing",
          "client_id": "billing-service",
          "client_type": "confidential",
          "auth_method": "client_secret_basic",
          "default_scopes": ["read"]
        }
      ]
    }
  ]
}"##;

/// Opens a store in `home` holding [`IMPORT_SETUP`], with no keychain behind it.
pub fn import_store(home: &Path) -> Result<Core> {
    let core = Core::open(home, Arc::new(NoKeychain), Arc::new(FixedClock))?;
    core.apply_import(IMPORT_SETUP, &[])?;
    Ok(core)
}

/// An import file: parsed, rendered and parsed again to the same file, and merged into `core`'s
/// store by the preview (the very merge applying runs, rolled back; so `core` is unchanged).
pub fn import(core: &Core, data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Ok(file) = portable::parse(text) {
        let rendered = portable::render(&file).expect("a parsed file renders");
        let again = portable::parse(&rendered).expect("a rendered file parses");
        assert_eq!(again, file, "rendering and parsing changed the file");
    }
    let _ = core.preview_import(text);
}

fn answer_of(status: u16, data: &[u8]) -> Response {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    Response {
        status,
        headers,
        body: data.to_vec(),
        elapsed: Duration::ZERO,
    }
}

/// A keychain that holds nothing: an import never touches it.
struct NoKeychain;

impl SecretStore for NoKeychain {
    fn put(&self, _account: &str, _value: &Secret) -> Result<()> {
        Err(Error::Keychain("The fuzzing store has no keychain.".into()))
    }
    fn get(&self, account: &str) -> Result<Secret> {
        Err(Error::SecretMissing(account.to_owned()))
    }
    fn delete(&self, _account: &str) -> Result<()> {
        Ok(())
    }
    fn accounts(&self) -> Result<Vec<String>> {
        Ok(Vec::new())
    }
    fn is_locked(&self, _account: &str) -> Result<bool> {
        Ok(false)
    }
}

struct FixedClock;

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_unix(NOW).expect("a fixed time")
    }
}
