//! Client authentication by JWT (RFC 7523 §2.2) against the real test authorization server
//! (oidc-provider, which verifies every assertion) and the real keychain: client_secret_jwt on
//! the token, introspection and revocation endpoints and on a refresh after a sign-in, what
//! each assertion holds (checked again with an independent library), and each refusal.

mod support;

use authdeck_core::ErrorCode;
use authdeck_core::model::*;
use serde_json::{Value, json};
use std::sync::atomic::Ordering;
use support::fixture::Fixture;

const SECRET_JWT_CLIENT: &str = "secret-jwt-client";
const SECRET_JWT_SECRET: &str = "secret-jwt-client-secret-0123456789abcdef";
const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

fn secret_jwt_app(f: &Fixture) -> ClientApp {
    f.app_with(
        SECRET_JWT_CLIENT,
        Some((AuthMethod::ClientSecretJwt, SECRET_JWT_SECRET)),
        &[DEFAULT_REDIRECT_URI],
        &["openid", "offline_access", "read"],
    )
}

/// Checks one recorded request authenticated by a valid client_secret_jwt assertion made now,
/// with the exact claims RFC 7523 §3 asks for and nothing else; returns its `jti`.
fn assert_secret_jwt(record: &Value, endpoint: &str, f: &Fixture, now: i64) -> String {
    assert_eq!(record["endpoint"], endpoint, "{record}");
    assert_eq!(record["status"], 200, "{record}");
    assert_eq!(record["auth_method"], "client_secret_jwt", "{record}");
    assert_eq!(record["client_id"], SECRET_JWT_CLIENT);
    assert_eq!(
        record["client_secret_sent"], false,
        "no client_secret beside the JWT"
    );
    assert_eq!(record["assertion_type"], ASSERTION_TYPE);
    let header = &record["assertion"]["header"];
    assert_eq!(header, &json!({"alg": "HS256", "typ": "JWT"}));
    let claims = record["assertion"]["claims"].as_object().unwrap();
    let mut names: Vec<&str> = claims.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["aud", "exp", "iat", "iss", "jti", "sub"]);
    assert_eq!(claims["iss"], SECRET_JWT_CLIENT);
    assert_eq!(claims["sub"], SECRET_JWT_CLIENT);
    assert_eq!(claims["aud"], format!("{}/token", f.server.issuer));
    let iat = claims["iat"].as_i64().unwrap();
    assert!(
        (now - 5..=now + 5).contains(&iat),
        "iat {iat} is now ({now})"
    );
    assert_eq!(claims["exp"].as_i64().unwrap() - iat, 60);
    let jti = claims["jti"].as_str().unwrap().to_owned();
    assert_eq!(jti.len(), 36, "a UUID: {jti}");
    jti
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[tokio::test(flavor = "multi_thread")]
async fn client_secret_jwt_gets_tokens_with_a_fresh_assertion_per_request() {
    let f = Fixture::new("secret-jwt-token", &["--strict"]);
    let app = secret_jwt_app(&f);

    let first = f.new_token(&app).await.unwrap();
    assert_eq!(first.state, TokenState::Valid);
    let second = f.new_token(&app).await.unwrap();
    assert_eq!(second.state, TokenState::Valid);

    let records = f.client_auth();
    assert_eq!(records.len(), 2, "{records:?}");
    let jtis: Vec<String> = records
        .iter()
        .map(|record| assert_secret_jwt(record, "token", &f, now()))
        .collect();
    assert_ne!(jtis[0], jtis[1], "each request has its own jti");
    let token_requests = f.requests();
    assert_eq!(token_requests[0]["grant_type"], "client_credentials");
    assert_eq!(
        token_requests[0]["content_type"],
        "application/x-www-form-urlencoded"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn client_secret_jwt_authenticates_introspection_and_revocation() {
    let f = Fixture::new("secret-jwt-inspect", &[]);
    let app = secret_jwt_app(&f);
    f.new_token(&app).await.unwrap();

    let active = f.core.introspect_token(&app.id).await.unwrap();
    assert!(active.active);
    f.core.revoke_token(&app.id).await.unwrap();
    let after = f.core.introspect_token(&app.id).await.unwrap();
    assert!(!after.active, "revoked, so inactive");

    let records = f.client_auth();
    let endpoints: Vec<&str> = records
        .iter()
        .map(|r| r["endpoint"].as_str().unwrap())
        .collect();
    assert_eq!(
        endpoints,
        ["token", "introspection", "revocation", "introspection"]
    );
    for record in &records {
        let endpoint = record["endpoint"].as_str().unwrap().to_owned();
        assert_secret_jwt(record, &endpoint, &f, now());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn client_secret_jwt_refreshes_a_sign_in() {
    let f = Fixture::new("secret-jwt-refresh", &[]);
    let app = secret_jwt_app(&f);
    let signed_in = f.sign_in(&app).await.unwrap();
    assert!(signed_in.token.unwrap().has_refresh_token);

    let refreshed = f.new_token(&app).await.unwrap();
    assert_eq!(refreshed.state, TokenState::Valid);

    let grants: Vec<String> = f
        .requests()
        .iter()
        .map(|r| r["grant_type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(grants, ["authorization_code", "refresh_token"]);
    let records = f.client_auth();
    assert_eq!(records.len(), 2);
    for record in &records {
        assert_secret_jwt(record, "token", &f, now());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_assertion_dated_by_a_clock_far_off_is_refused_as_expired() {
    let f = Fixture::new("secret-jwt-expired", &[]);
    let app = secret_jwt_app(&f);
    f.clock.0.store(-3600, Ordering::SeqCst);

    let error = f.new_token(&app).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Provider, "{error}");
    assert!(
        error.to_string().contains("invalid_client"),
        "the provider's own error: {error}"
    );
    let records = f.client_auth();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["status"], 401);
    assert_eq!(records[0]["error"], "invalid_client");
    assert_eq!(records[0]["error_detail"], "jwt expired");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_assertion_signed_with_the_wrong_secret_is_refused() {
    let f = Fixture::new("secret-jwt-wrong", &[]);
    let app = f.app(
        SECRET_JWT_CLIENT,
        AuthMethod::ClientSecretJwt,
        "not-the-secret-jwt-client-secret-at-all",
        &["read"],
    );

    let error = f.new_token(&app).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Provider, "{error}");
    let records = f.client_auth();
    assert_eq!(records[0]["error"], "invalid_client");
    assert_eq!(records[0]["error_detail"], "signature verification failed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_method_the_providers_metadata_leaves_out_is_refused_naming_what_it_lists() {
    let f = Fixture::new("secret-jwt-metadata", &[]);
    f.configure(json!({"auth_methods_listed": ["client_secret_basic", "private_key_jwt"]}));

    let error = f
        .core
        .check_auth_method(&f.environment.id, AuthMethod::ClientSecretJwt)
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Validation);
    assert_eq!(
        error.to_string(),
        "The provider of “Local” does not accept client_secret_jwt at its token endpoint; its \
         metadata lists client_secret_basic, private_key_jwt."
    );
    f.core
        .check_auth_method(&f.environment.id, AuthMethod::PrivateKeyJwt)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_assertion_verifies_with_an_independent_library_with_exact_claims() {
    let f = Fixture::new("secret-jwt-independent", &[]);
    let app = secret_jwt_app(&f);
    f.new_token(&app).await.unwrap();
    let record = f.client_auth().remove(0);

    let verified = verify_independently(&json!({
        "jwt": record["assertion_jwt"],
        "alg": "HS256",
        "secret": SECRET_JWT_SECRET,
    }))
    .expect("jose accepts the signature");
    assert_eq!(verified["header"], json!({"alg": "HS256", "typ": "JWT"}));
    let claims = &verified["claims"];
    let iat = claims["iat"].as_i64().unwrap();
    assert_eq!(
        claims,
        &json!({
            "iss": SECRET_JWT_CLIENT,
            "sub": SECRET_JWT_CLIENT,
            "aud": format!("{}/token", f.server.issuer),
            "jti": record["assertion"]["claims"]["jti"],
            "iat": iat,
            "exp": iat + 60,
        })
    );
    let tampered = verify_independently(&json!({
        "jwt": record["assertion_jwt"],
        "alg": "HS256",
        "secret": "another-secret-another-secret-another",
    }));
    assert_eq!(
        tampered.unwrap_err(),
        "ERR_JWS_SIGNATURE_VERIFICATION_FAILED: signature verification failed"
    );
}

/// What tests/authserver/verify-assertion.js (panva's `jose`) says of a JWT: its header and
/// claims when the signature holds, else why not.
fn verify_independently(input: &Value) -> Result<Value, String> {
    use std::io::Write;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/authserver");
    let mut child = std::process::Command::new("node")
        .arg("verify-assertion.js")
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    if output.status.success() {
        Ok(serde_json::from_slice(&output.stdout).expect("JSON"))
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_owned())
    }
}
