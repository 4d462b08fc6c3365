//! "Try it" for an mTLS app (RFC 8705) against the real test authorization server behind TLS
//! and the real keychain: the API request presents the app's client certificate, the one its
//! token is bound to, as the server's resource route sees it.
//!
//! Core trusts the platform's roots, read from SSL_CERT_FILE once per process, and the
//! workspace forbids the unsafe `std::env::set_var`: so the test runs its body in a child copy
//! of itself started trusting the test CA.

mod support;

use authdeck_core::model::*;
use serde_json::{Value, json};
use std::path::Path;
use support::authserver::TestCa;
use support::fixture::Fixture;

/// Set in the child copy: the test CA's folder.
const CHILD_CA: &str = "AUTHDECK_TEST_CHILD_CA";
const TEST: &str = "try_it_presents_the_certificate_an_mtls_apps_token_is_bound_to";

#[test]
fn try_it_presents_the_certificate_an_mtls_apps_token_is_bound_to() {
    support::require_keychain();
    let Some(dir) = std::env::var_os(CHILD_CA) else {
        let ca = TestCa::make();
        let no_roots = tempfile::tempdir().unwrap();
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", TEST, "--nocapture", "--test-threads", "1"])
            .env(CHILD_CA, ca.certificate().parent().unwrap())
            .env("SSL_CERT_FILE", ca.certificate())
            .env("SSL_CERT_DIR", no_roots.path())
            .status()
            .expect("start the test's child copy");
        assert!(
            status.success(),
            "the test failed in its child copy (output above)"
        );
        return;
    };
    let ca = TestCa::at(Path::new(&dir));
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(presents_the_bound_certificate(&ca));
}

async fn presents_the_bound_certificate(ca: &TestCa) {
    let f = Fixture::behind_tls("try-it-mtls", ca);
    let input = ClientAppInput {
        auth_method: AuthMethod::SelfSignedTlsClientAuth,
        default_scopes: vec!["read".into()],
        ..ClientAppInput::confidential(f.environment.id.clone(), "Mtls", "pending")
    };
    let app = f.core.create_app(input.clone()).unwrap();
    let added = f
        .core
        .add_client_cert(ClientCertInput {
            app_id: app.id.clone(),
            label: String::new(),
            source: CertSource::Generate,
        })
        .unwrap();
    let jwk: Value = serde_json::from_str(added.public_jwk.as_deref().unwrap()).unwrap();
    let registered = tokio::task::block_in_place(|| {
        f.server.register_client(json!({
            "token_endpoint_auth_method": "self_signed_tls_client_auth",
            "jwks": {"keys": [jwk]},
            "grant_types": ["client_credentials"],
            "response_types": [],
            "redirect_uris": [],
            "scope": "read",
            "tls_client_certificate_bound_access_tokens": true,
        }))
    });
    let client_id = registered["client_id"].as_str().unwrap().to_owned();
    let client_id = client_id.as_str();
    f.core
        .update_app(
            &app.id,
            ClientAppInput {
                client_id: client_id.into(),
                ..input
            },
        )
        .unwrap();

    // no token yet: Try it gets one first, then calls the API presenting the certificate
    let response = f
        .core
        .call_api(&ApiRequest {
            app_id: app.id.clone(),
            method: "GET".into(),
            path: "/test/mtls-resource".into(),
            headers: vec![],
            body: String::new(),
        })
        .await
        .unwrap();
    assert_eq!(response.status, 200, "{}", response.body);
    let seen: Value = serde_json::from_str(&response.body).unwrap();
    let x5t = added.meta.x5t_s256.as_str();
    assert_eq!(seen["client_id"], client_id, "{seen}");
    assert_eq!(
        seen["bound"], x5t,
        "the token is bound to the certificate: {seen}"
    );
    assert_eq!(
        seen["presented"]["x5t_s256"], x5t,
        "Try it presented it: {seen}"
    );
    assert_eq!(
        seen["presented"]["subject"], "CN=Authdeck pending",
        "{seen}"
    );
}
