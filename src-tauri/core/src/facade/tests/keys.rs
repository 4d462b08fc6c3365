//! Signing keys' and client certificates' lifecycle as the desktop panels drive it.

use super::*;

fn key_app(f: &Fixture, method: AuthMethod) -> ClientApp {
    let environment = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let mut input = app_input(&environment, "Signer");
    input.auth_method = method;
    f.core.create_app(input).unwrap()
}

fn generate_key(f: &Fixture, app: &ClientApp) -> SigningKeyMeta {
    f.core
        .add_signing_key(SigningKeyInput {
            app_id: app.id.clone(),
            label: String::new(),
            source: KeySource::Generate(KeyAlg::Es256),
        })
        .unwrap()
}

#[test]
fn a_retired_signing_key_is_reactivated_and_signs_again() {
    let f = Fixture::new();
    let app = key_app(&f, AuthMethod::PrivateKeyJwt);
    let first = generate_key(&f, &app);
    let second = generate_key(&f, &app);
    assert_eq!(
        f.core.retire_signing_key(&second.id).unwrap().state,
        SecretState::Retired
    );
    let error = f.core.retire_signing_key(&first.id).unwrap_err();
    assert_eq!(error.code(), ErrorCode::LastSecret, "{error}");

    let again = f.core.reactivate_signing_key(&second.id).unwrap();
    assert_eq!(again.state, SecretState::Active);
    let jwks = f.core.public_jwks(&app.id).unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
    // now the first may go: another key is active
    f.core.retire_signing_key(&first.id).unwrap();
    let audit = f
        .core
        .audit_log(&crate::audit::AuditQuery::default())
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|entry| entry.action == crate::audit::AuditAction::SigningKeyReactivated),
        "the reactivation is in the audit log"
    );
}

#[test]
fn a_retired_client_certificate_is_reactivated_and_its_public_jwk_read_back() {
    let f = Fixture::new();
    let app = key_app(&f, AuthMethod::SelfSignedTlsClientAuth);
    let add = || {
        f.core
            .add_client_cert(ClientCertInput {
                app_id: app.id.clone(),
                label: String::new(),
                source: CertSource::Generate,
            })
            .unwrap()
    };
    let first = add();
    let second = add();
    f.core.retire_client_cert(&second.meta.id).unwrap();
    assert_eq!(
        f.core
            .retire_client_cert(&first.meta.id)
            .unwrap_err()
            .code(),
        ErrorCode::LastSecret
    );
    let again = f.core.reactivate_client_cert(&second.meta.id).unwrap();
    assert_eq!(again.state, SecretState::Active);
    // the JWK read back later is the one shown when it was made
    assert_eq!(
        f.core.client_cert_public_jwk(&first.meta.id).unwrap(),
        first.public_jwk
    );
    let jwk: serde_json::Value =
        serde_json::from_str(first.public_jwk.as_deref().unwrap()).unwrap();
    assert_eq!(jwk["x5t#S256"], first.meta.x5t_s256.as_str());
    assert!(jwk.get("d").is_none());
}
