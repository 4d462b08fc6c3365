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

/// A confidential private_key_jwt app with one generated `alg` key, registered at the server
/// the way a provider's console takes it: its public JWKS from Authdeck and `alg` as the one
/// signing algorithm the provider accepts from it, the client ID from the provider (RFC 7591),
/// then set on the app.
fn registered_key_app(f: &Fixture, alg: KeyAlg) -> (ClientApp, SigningKeyMeta) {
    let input = ClientAppInput {
        auth_method: AuthMethod::PrivateKeyJwt,
        default_scopes: vec!["read".into()],
        ..ClientAppInput::confidential(
            f.environment.id.clone(),
            format!("Keyed {}", alg.as_str()),
            "to-be-registered",
        )
    };
    let app = f.core.create_app(input.clone()).unwrap();
    let key = f
        .core
        .add_signing_key(SigningKeyInput {
            app_id: app.id.clone(),
            label: String::new(),
            source: KeySource::Generate(alg),
        })
        .unwrap();
    let jwks = f.core.public_jwks(&app.id).unwrap();
    let registered = tokio::task::block_in_place(|| {
        f.server.register_client(json!({
            "token_endpoint_auth_method": "private_key_jwt",
            "token_endpoint_auth_signing_alg": alg.as_str(),
            "jwks": jwks,
            "grant_types": ["client_credentials"],
            "response_types": [],
            "redirect_uris": [],
            "scope": "read write",
        }))
    });
    let client_id = registered["client_id"].as_str().unwrap().to_owned();
    let app = f
        .core
        .update_app(&app.id, ClientAppInput { client_id, ..input })
        .unwrap();
    (app, key)
}

/// Checks one recorded request authenticated by a valid private_key_jwt assertion of `key`.
fn assert_key_jwt(record: &Value, endpoint: &str, app: &ClientApp, key: &SigningKeyMeta) {
    assert_eq!(record["endpoint"], endpoint, "{record}");
    assert_eq!(record["status"], 200, "{record}");
    assert_eq!(record["auth_method"], "private_key_jwt", "{record}");
    assert_eq!(record["client_id"], app.client_id.as_str());
    assert_eq!(record["client_secret_sent"], false);
    assert_eq!(record["assertion_type"], ASSERTION_TYPE);
    assert_eq!(
        record["assertion"]["header"],
        json!({"alg": key.alg.as_str(), "kid": key.kid, "typ": "JWT"})
    );
    let claims = &record["assertion"]["claims"];
    assert_eq!(claims["iss"], app.client_id.as_str());
    assert_eq!(claims["sub"], app.client_id.as_str());
    let iat = claims["iat"].as_i64().unwrap();
    assert_eq!(claims["exp"].as_i64().unwrap() - iat, 60);
}

#[tokio::test(flavor = "multi_thread")]
async fn private_key_jwt_gets_tokens_with_es256_and_eddsa_keys_registered_by_their_jwks() {
    let f = Fixture::new("key-jwt-token", &["--strict"]);
    for alg in [KeyAlg::Es256, KeyAlg::EdDsa] {
        let (app, key) = registered_key_app(&f, alg);
        let got = f.new_token(&app).await.unwrap();
        assert_eq!(got.state, TokenState::Valid, "{alg:?}");
        let record = f.client_auth().pop().unwrap();
        assert_key_jwt(&record, "token", &app, &key);
        assert_eq!(
            record["assertion"]["claims"]["aud"],
            format!("{}/token", f.server.issuer)
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn private_key_jwt_gets_tokens_with_rs256_and_ps256_keys_the_provider_verified() {
    let f = Fixture::new("key-jwt-rsa", &["--strict"]);
    for alg in [KeyAlg::Rs256, KeyAlg::Ps256] {
        let (app, key) = registered_key_app(&f, alg);
        let got = f.new_token(&app).await.unwrap();
        assert_eq!(got.state, TokenState::Valid, "{alg:?}");
        let record = f.client_auth().pop().unwrap();
        assert_key_jwt(&record, "token", &app, &key);
        let jwk: Value = serde_json::from_str(&key.public_jwk).unwrap();
        assert_eq!(
            (&jwk["kty"], &jwk["alg"]),
            (&json!("RSA"), &json!(alg.as_str()))
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_rsa_key_the_provider_does_not_hold_or_an_alg_it_does_not_take_is_refused() {
    let f = Fixture::new("key-jwt-rsa-wrong", &[]);
    let (app, registered) = registered_key_app(&f, KeyAlg::Ps256);
    let add = |alg: KeyAlg, label: &str| {
        f.core
            .add_signing_key(SigningKeyInput {
                app_id: app.id.clone(),
                label: label.into(),
                source: KeySource::Generate(alg),
            })
            .unwrap()
    };
    // a newer key signs: never registered (PS256), then RS256, which this app may not use
    for (alg, detail) in [
        (
            KeyAlg::Ps256,
            "no applicable key found in the JSON Web Key Set",
        ),
        (KeyAlg::Rs256, "alg mismatch"),
    ] {
        let unregistered = add(alg, alg.as_str());
        let error = f.new_token(&app).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::Provider, "{error}");
        let refused = f.client_auth().pop().unwrap();
        assert_eq!(
            refused["assertion"]["header"],
            json!({"alg": alg.as_str(), "kid": unregistered.kid, "typ": "JWT"})
        );
        assert_eq!(refused["error"], "invalid_client");
        assert_eq!(refused["error_detail"], detail);
        f.core.retire_signing_key(&unregistered.id).unwrap();
    }

    // the registered PS256 key again, as RS256: refused, a key signs with one algorithm
    let pem = support::secret_tool_lookup(&f.namespace, &format!("signing-key:{}", registered.id))
        .expect("the private key is in the keychain");
    let error = f
        .core
        .add_signing_key(SigningKeyInput {
            app_id: app.id.clone(),
            label: String::new(),
            source: KeySource::ImportAs {
                alg: KeyAlg::Rs256,
                key: Secret::new(pem),
            },
        })
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict, "{error}");

    f.new_token(&app).await.unwrap();
    let accepted = f.client_auth().pop().unwrap();
    assert_key_jwt(&accepted, "token", &app, &registered);
}

#[tokio::test(flavor = "multi_thread")]
async fn private_key_jwt_authenticates_introspection_and_revocation() {
    let f = Fixture::new("key-jwt-inspect", &[]);
    let (app, key) = registered_key_app(&f, KeyAlg::Es256);
    f.new_token(&app).await.unwrap();
    assert!(f.core.introspect_token(&app.id).await.unwrap().active);
    f.core.revoke_token(&app.id).await.unwrap();
    assert!(!f.core.introspect_token(&app.id).await.unwrap().active);

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
        assert_key_jwt(record, record["endpoint"].as_str().unwrap(), &app, &key);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_the_provider_does_not_hold_is_refused_until_it_is_retired() {
    let f = Fixture::new("key-jwt-wrong", &[]);
    let (app, registered) = registered_key_app(&f, KeyAlg::Es256);
    // a newer key, never registered: the newest active key signs
    let unregistered = f
        .core
        .add_signing_key(SigningKeyInput {
            app_id: app.id.clone(),
            label: "not registered".into(),
            source: KeySource::Generate(KeyAlg::Es256),
        })
        .unwrap();

    let error = f.new_token(&app).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Provider, "{error}");
    let refused = f.client_auth().pop().unwrap();
    assert_eq!(refused["assertion"]["header"]["kid"], unregistered.kid);
    assert_eq!(refused["error"], "invalid_client");
    assert_eq!(
        refused["error_detail"],
        "no applicable key found in the JSON Web Key Set"
    );

    f.core.retire_signing_key(&unregistered.id).unwrap();
    f.new_token(&app).await.unwrap();
    let accepted = f.client_auth().pop().unwrap();
    assert_key_jwt(&accepted, "token", &app, &registered);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_last_key_of_a_private_key_jwt_app_is_neither_retired_nor_deleted() {
    let f = Fixture::new("key-jwt-last", &[]);
    let (app, key) = registered_key_app(&f, KeyAlg::EdDsa);
    let retire = f.core.retire_signing_key(&key.id).unwrap_err();
    assert_eq!(retire.code(), ErrorCode::LastSecret);
    let delete = f.core.delete_signing_key(&key.id).unwrap_err();
    assert_eq!(delete.code(), ErrorCode::LastSecret);
    assert!(
        delete.to_string().starts_with(&format!(
            "This is the last active signing key of “{}”",
            app.display_name
        )),
        "{delete}"
    );
    assert_eq!(
        f.core.signing_keys(&app.id).unwrap(),
        std::slice::from_ref(&key)
    );
    let account = format!("signing-key:{}", key.id);
    assert!(f.accounts().contains(&account));

    // deleting the app takes its keys out of the keychain with it
    f.core.delete_app(&app.id).unwrap();
    assert!(!f.accounts().contains(&account), "{:?}", f.accounts());
    assert_eq!(f.core.consistency().unwrap().0, f.accounts());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_assertion_verifies_with_an_independent_library_against_the_public_jwk() {
    let f = Fixture::new("key-jwt-independent", &[]);
    for alg in KeyAlg::ALL {
        let (app, key) = registered_key_app(&f, alg);
        f.new_token(&app).await.unwrap();
        let record = f.client_auth().pop().unwrap();
        let jwk: Value = serde_json::from_str(&key.public_jwk).unwrap();
        assert!(jwk.get("d").is_none(), "the public JWK is public: {jwk}");
        let verified = verify_independently(&json!({
            "jwt": record["assertion_jwt"],
            "alg": alg.as_str(),
            "jwk": jwk,
        }))
        .expect("jose accepts the signature");
        assert_eq!(
            verified["header"],
            json!({"alg": alg.as_str(), "kid": key.kid, "typ": "JWT"})
        );
        let iat = verified["claims"]["iat"].as_i64().unwrap();
        assert_eq!(
            verified["claims"],
            json!({
                "iss": app.client_id,
                "sub": app.client_id,
                "aud": format!("{}/token", f.server.issuer),
                "jti": record["assertion"]["claims"]["jti"],
                "iat": iat,
                "exp": iat + 60,
            })
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_private_key_material_reaches_the_data_folder() {
    use base64::Engine;
    let f = Fixture::new("key-jwt-canary", &[]);
    let mut needles: Vec<(String, Vec<u8>)> = Vec::new();
    // every form a private key could leak in: its DER, scalar, PEM body and JWK `d`
    let mut add_needles = |what: String, account: String| {
        let pem = support::secret_tool_lookup(&f.namespace, &account)
            .expect("the private key is in the keychain");
        let lines: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let body = lines.concat();
        let der = base64::engine::general_purpose::STANDARD
            .decode(&body)
            .unwrap();
        if what.starts_with("Rs") || what.starts_with("Ps") {
            // an RSA key's private members fill most of its PEM: each line is a needle
            for (n, line) in lines.iter().enumerate().skip(1) {
                needles.push((format!("{what} PEM line {n}"), line.as_bytes().to_vec()));
            }
            needles.push((format!("{what} DER"), der));
            return;
        }
        // the private scalar / seed: an OCTET STRING of 32 bytes (04 20 ...), first in the DER
        let at = der.windows(2).position(|w| w == [0x04, 0x20]).unwrap() + 2;
        let scalar = der[at..at + 32].to_vec();
        let jwk_d = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&scalar);
        needles.push((format!("{what} DER"), der));
        needles.push((format!("{what} scalar"), scalar));
        needles.push((format!("{what} PEM body"), body.into_bytes()));
        needles.push((format!("{what} JWK d"), jwk_d.into_bytes()));
    };
    for alg in KeyAlg::ALL {
        let (app, key) = registered_key_app(&f, alg);
        // DPoP-bound too (a proof is optional for these clients), by a proof key of the same
        // algorithm: a canary of each kind
        assert!(f.core.set_dpop(&app.id, true).unwrap().bound);
        let binding = f.core.set_dpop_alg(&app.id, alg).await.unwrap();
        assert_eq!(binding.alg, Some(alg));
        f.new_token(&app).await.unwrap();
        f.core.introspect_token(&app.id).await.unwrap();
        add_needles(format!("{alg:?}"), format!("signing-key:{}", key.id));
        let (_, token) = f.core.token_value(&app.id).unwrap();
        f.core
            .resource_proof(&app.id, "GET", &f.server.issuer, &token)
            .unwrap();
        add_needles(format!("{alg:?} DPoP"), format!("dpop-key:{}", app.id));
    }
    let files = support::files_under(f.home.path());
    assert!(files.len() >= 2, "the database and a lock file: {files:?}");
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        for (what, needle) in &needles {
            let found = bytes.windows(needle.len()).any(|w| w == needle.as_slice());
            assert!(!found, "the {what} is in {}", path.display());
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_provider_refuses_a_replayed_assertion_and_authdeck_never_sends_one_twice() {
    let f = Fixture::new("key-jwt-replay", &[]);
    let (app, _) = registered_key_app(&f, KeyAlg::Es256);
    f.new_token(&app).await.unwrap();
    let used = f.client_auth().pop().unwrap();

    // the same assertion sent again, as an attacker who saw it would
    let replayed = tokio::task::block_in_place(|| {
        support::http_client()
            .build()
            .unwrap()
            .post(format!("{}/token", f.server.issuer))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", app.client_id.as_str()),
                ("client_assertion_type", ASSERTION_TYPE),
                ("client_assertion", used["assertion_jwt"].as_str().unwrap()),
            ])
            .send()
            .unwrap()
            .status()
    });
    assert_eq!(replayed, 401);
    let refused = f.client_auth().pop().unwrap();
    assert_eq!(
        refused["error_detail"],
        "client assertion tokens must only be used once"
    );

    f.new_token(&app).await.unwrap();
    let next = f.client_auth().pop().unwrap();
    assert_eq!(next["status"], 200);
    assert_ne!(
        next["assertion"]["claims"]["jti"],
        used["assertion"]["claims"]["jti"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_poll_of_a_device_login_carries_its_own_client_secret_jwt_assertion() {
    let f = Fixture::new("secret-jwt-device", &[]);
    let app = secret_jwt_app(&f);
    // the first poll finds the login pending; then the person approves on "another device"
    f.device_login_approved_after(&app.id, std::time::Duration::from_millis(1500))
        .await
        .unwrap();

    let records = f.client_auth();
    let endpoints: Vec<&str> = records
        .iter()
        .map(|r| r["endpoint"].as_str().unwrap())
        .collect();
    assert_eq!(endpoints[0], "device_authorization");
    assert!(
        endpoints[1..].iter().all(|e| *e == "token"),
        "{endpoints:?}"
    );
    assert!(records.len() >= 3, "a pending poll, then the tokens");
    let mut jtis: Vec<&str> = Vec::new();
    for record in &records {
        assert_eq!(record["auth_method"], "client_secret_jwt", "{record}");
        assert_eq!(record["client_secret_sent"], false);
        assert_ne!(record["error"], "invalid_client", "{record}");
        jtis.push(record["assertion"]["claims"]["jti"].as_str().unwrap());
    }
    assert_eq!(records[1]["error"], "authorization_pending");
    assert_eq!(records.last().unwrap()["status"], 200);
    let mut unique = jtis.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), jtis.len(), "no jti twice: {jtis:?}");
}
