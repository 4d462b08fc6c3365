//! Pushed authorization requests (RFC 9126) against the real test authorization server
//! (oidc-provider with PAR on) and the real keychain: a client that takes only pushed requests
//! signs in, the server records the parameters pushed and a browser address of `client_id` and
//! `request_uri` only; the push authenticates by private_key_jwt and carries a DPoP-bound app's
//! `dpop_jkt`; a refused push is a typed error that stores nothing; an opt-in with no endpoint
//! to push to is refused before anything listens.

mod support;

use authdeck_core::ErrorCode;
use authdeck_core::model::*;
use authdeck_core::signing_key::KeyAlg;
use serde_json::{Value, json};
use support::fixture::Fixture;

const SCOPES: &[&str] = &["openid", "offline_access", "read"];

/// The server's client that takes authorization requests only pushed.
fn par_app(f: &Fixture) -> ClientApp {
    f.app_with(
        "par-client",
        Some((AuthMethod::ClientSecretBasic, "par-secret")),
        &[DEFAULT_REDIRECT_URI],
        SCOPES,
    )
}

fn par_requests(f: &Fixture) -> Vec<Value> {
    tokio::task::block_in_place(|| f.server.par_requests())
}

fn authorization_requests(f: &Fixture) -> Vec<Value> {
    tokio::task::block_in_place(|| f.server.authorization_requests())
}

/// The names of the parameters a pushed request carried, sorted.
fn pushed_names(record: &Value) -> Vec<String> {
    let mut names: Vec<String> = record["params"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

/// Checks that the browser went to the authorization endpoint with only `client_id` and the
/// `request_uri` the push got, and nothing else went there.
fn assert_browser_got_only_the_reference(f: &Fixture, client_id: &str, push: &Value) {
    let requests = authorization_requests(f);
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0]["names"], json!(["client_id", "request_uri"]));
    assert_eq!(requests[0]["client_id"], client_id);
    assert_eq!(requests[0]["request_uri"], push["request_uri"]);
    assert!(
        push["request_uri"]
            .as_str()
            .unwrap()
            .starts_with("urn:ietf:params:oauth:request_uri:")
    );
}

/// The error a login of `app` stops with before it starts.
async fn refused_start(f: &Fixture, app: &ClientApp) -> authdeck_core::Error {
    match f
        .core
        .start_login(&app.id, authdeck_core::LoginOptions::default())
        .await
    {
        Ok(login) => panic!("the login started: {}", login.started.url),
        Err(error) => error,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_takes_only_pushed_requests_signs_in_by_par() {
    let f = Fixture::new("par-login", &[]);
    let app = par_app(&f);
    assert!(f.core.set_pushes_requests(&app.id, true).unwrap());

    let signed_in = f.sign_in(&app).await.unwrap();
    let token = signed_in.token.unwrap();
    assert_eq!(token.source, TokenSource::AuthorizationCode);
    assert!(token.has_refresh_token && token.has_id_token);

    let pushes = par_requests(&f);
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    let push = &pushes[0];
    assert_eq!(push["status"], 201, "{push}");
    assert_eq!(push["client_id"], "par-client");
    assert_eq!(
        pushed_names(push),
        [
            "client_id",
            "code_challenge",
            "code_challenge_method",
            "nonce",
            "prompt",
            "redirect_uri",
            "response_type",
            "scope",
            "state"
        ]
    );
    assert_eq!(push["params"]["code_challenge_method"], "S256");
    assert_eq!(push["params"]["scope"], "openid offline_access read");
    assert!(
        push["params"]["redirect_uri"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    let auth = f.client_auth();
    let pushed_auth: Vec<&Value> = auth
        .iter()
        .filter(|r| r["endpoint"] == "pushed_authorization")
        .collect();
    assert_eq!(pushed_auth.len(), 1, "{auth:?}");
    assert_eq!(pushed_auth[0]["auth_method"], "client_secret_basic");
    assert_browser_got_only_the_reference(&f, "par-client", push);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_metadata_requiring_par_pushes_without_an_opt_in() {
    let f = Fixture::new("par-required", &[]);
    f.configure(json!({"par_metadata": "required"}));
    let app = f.public_app("native-client", &["openid"]);
    assert!(!f.core.pushes_requests(&app.id).unwrap());

    let signed_in = f.sign_in(&app).await.unwrap();
    assert!(signed_in.token.is_some());
    let pushes = par_requests(&f);
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    assert_eq!(pushes[0]["client_id"], "native-client");
    assert_eq!(pushes[0]["status"], 201);
    let auth = f.client_auth();
    let pushed_auth = auth
        .iter()
        .find(|r| r["endpoint"] == "pushed_authorization")
        .unwrap();
    assert_eq!(
        pushed_auth["auth_method"], "none",
        "a public client sends its ID only"
    );
    assert_eq!(pushed_auth["client_secret_sent"], false);
    assert_browser_got_only_the_reference(&f, "native-client", &pushes[0]);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_par_the_browser_gets_every_parameter_and_nothing_is_pushed() {
    let f = Fixture::new("par-off", &[]);
    let app = f.public_app("native-client", &["openid"]);
    f.sign_in(&app).await.unwrap();
    assert!(par_requests(&f).is_empty());
    let requests = authorization_requests(&f);
    assert!(
        requests[0]["names"]
            .as_array()
            .unwrap()
            .contains(&json!("code_challenge")),
        "{requests:?}"
    );
}

/// A private_key_jwt app with a generated ES256 key, registered at the server as taking only
/// pushed requests (RFC 9126 §6) and signing in on the loopback redirect.
fn registered_key_app(f: &Fixture) -> ClientApp {
    let input = ClientAppInput {
        auth_method: AuthMethod::PrivateKeyJwt,
        redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
        default_scopes: vec!["openid".into(), "read".into()],
        ..ClientAppInput::confidential(f.environment.id.clone(), "Keyed PAR", "to-be-registered")
    };
    let app = f.core.create_app(input.clone()).unwrap();
    f.core
        .add_signing_key(SigningKeyInput {
            app_id: app.id.clone(),
            label: String::new(),
            source: KeySource::Generate(KeyAlg::Es256),
        })
        .unwrap();
    let jwks = f.core.public_jwks(&app.id).unwrap();
    let registered = tokio::task::block_in_place(|| {
        f.server.register_client(json!({
            "application_type": "native",
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks": jwks,
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "redirect_uris": [DEFAULT_REDIRECT_URI],
            "scope": "openid read",
            "require_pushed_authorization_requests": true,
        }))
    });
    let client_id = registered["client_id"].as_str().unwrap().to_owned();
    f.core
        .update_app(&app.id, ClientAppInput { client_id, ..input })
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_push_authenticates_by_private_key_jwt() {
    let f = Fixture::new("par-key-jwt", &[]);
    let app = registered_key_app(&f);
    f.core.set_pushes_requests(&app.id, true).unwrap();

    f.sign_in(&app).await.unwrap();
    let auth = f.client_auth();
    let endpoints: Vec<&str> = auth
        .iter()
        .map(|r| r["endpoint"].as_str().unwrap())
        .collect();
    assert_eq!(endpoints, ["pushed_authorization", "token"]);
    let push = &auth[0];
    assert_eq!(push["status"], 201, "{push}");
    assert_eq!(push["auth_method"], "private_key_jwt");
    assert_eq!(push["client_id"], app.client_id.as_str());
    assert_eq!(push["client_secret_sent"], false);
    let claims = &push["assertion"]["claims"];
    assert_eq!(claims["iss"], app.client_id.as_str());
    assert_eq!(claims["aud"], format!("{}/token", f.server.issuer));
    assert_ne!(
        claims["jti"], auth[1]["assertion"]["claims"]["jti"],
        "each request its own assertion"
    );
    let pushes = par_requests(&f);
    assert_browser_got_only_the_reference(&f, &app.client_id, &pushes[0]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dpop_bound_apps_push_binds_the_code_to_its_key() {
    let f = Fixture::new("par-dpop", &[]);
    let app = f.app_with(
        "dpop-client",
        Some((AuthMethod::ClientSecretBasic, "dpop-secret")),
        &[DEFAULT_REDIRECT_URI],
        &["openid", "read"],
    );
    let jkt = f.core.set_dpop(&app.id, true).unwrap().jkt.unwrap();
    f.core.set_pushes_requests(&app.id, true).unwrap();

    let signed_in = f.sign_in(&app).await.unwrap();
    assert_eq!(signed_in.token.unwrap().token_type, "DPoP");
    let pushes = par_requests(&f);
    assert_eq!(pushes[0]["status"], 201, "{pushes:?}");
    assert_eq!(pushes[0]["params"]["dpop_jkt"], jkt.as_str());
    assert_browser_got_only_the_reference(&f, "dpop-client", &pushes[0]);
    // the server redeemed the code only with a proof by that key
    let grants = f.requests();
    assert_eq!(grants[0]["grant_type"], "authorization_code");
    assert_eq!(grants[0]["status"], 200);
    assert!(grants[0]["dpop"]["header"]["jwk"].is_object());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_push_is_a_typed_error_and_nothing_is_stored() {
    let f = Fixture::new("par-refused", &[]);
    // the server's client, with a secret it does not know
    let app = f.app_with(
        "par-client",
        Some((AuthMethod::ClientSecretBasic, "not-the-secret")),
        &[DEFAULT_REDIRECT_URI],
        SCOPES,
    );
    f.core.set_pushes_requests(&app.id, true).unwrap();

    let error = refused_start(&f, &app).await;
    assert_eq!(error.code(), ErrorCode::Provider, "{error}");
    let authdeck_core::Error::Provider {
        status,
        error: code,
        ..
    } = &error
    else {
        unreachable!()
    };
    assert_eq!((*status, code.as_str()), (401, "invalid_client"));
    assert!(
        error
            .to_string()
            .starts_with("The pushed authorization request was refused by 127.0.0.1:"),
        "{error}"
    );
    assert!(!error.to_string().contains("not-the-secret"));
    assert_eq!(par_requests(&f)[0]["error"], "invalid_client");
    assert!(authorization_requests(&f).is_empty(), "no browser went");
    assert!(f.requests().is_empty(), "no token request");
    let status = f.core.token_status(&app.id).unwrap();
    assert!(status.token.is_none(), "nothing stored");
    assert!(
        !f.accounts()
            .iter()
            .any(|account| account.starts_with("token:")),
        "no token in the keychain"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_html_answer_to_the_push_is_a_bad_answer() {
    let f = Fixture::new("par-html", &[]);
    f.configure(json!({"par_fault": "html_200"}));
    let app = par_app(&f);
    f.core.set_pushes_requests(&app.id, true).unwrap();
    let error = refused_start(&f, &app).await;
    assert_eq!(error.code(), ErrorCode::BadResponse, "{error}");
    assert_eq!(
        error.to_string(),
        format!(
            "{} answered The pushed authorization request with an HTML page, not JSON. Check \
             that the URL is the endpoint itself and not a web page.",
            f.server.issuer.trim_start_matches("http://")
        )
    );
    assert!(authorization_requests(&f).is_empty(), "no browser went");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_push_left_unanswered_times_out() {
    let limits = authdeck_core::http::HttpLimits {
        timeout: std::time::Duration::from_secs(2),
        ..Default::default()
    };
    let f = Fixture::with_limits("par-hang", &[], limits);
    f.configure(json!({"par_fault": "hang"}));
    let app = par_app(&f);
    f.core.set_pushes_requests(&app.id, true).unwrap();
    let error = refused_start(&f, &app).await;
    assert_eq!(error.code(), ErrorCode::Timeout, "{error}");
    assert_eq!(par_requests(&f).len(), 1, "the push is what timed out");
    assert!(authorization_requests(&f).is_empty(), "no browser went");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_opt_in_without_an_endpoint_is_refused_before_anything_listens() {
    let f = Fixture::new("par-no-endpoint", &[]);
    f.configure(json!({"par_metadata": "absent"}));
    let app = par_app(&f);
    f.core.set_pushes_requests(&app.id, true).unwrap();

    let error = refused_start(&f, &app).await;
    assert_eq!(error.code(), ErrorCode::NotConfigured, "{error}");
    assert_eq!(
        error.to_string(),
        format!(
            "“App par-client” pushes its authorization requests (PAR), and the metadata of {} \
             names no pushed_authorization_request_endpoint; the sign-in was not started. \
             Check that the provider offers PAR, or turn PAR off for the app.",
            f.server.issuer
        )
    );
    assert!(par_requests(&f).is_empty());
    assert!(authorization_requests(&f).is_empty());
}
