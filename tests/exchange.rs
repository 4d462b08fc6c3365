//! Token exchange (RFC 8693) against the real test authorization server and the real keychain:
//! what the server saw, where the token is kept, downscoping, and each refusal keeping the
//! app's previous token.

mod support;

use authdeck_core::model::*;
use authdeck_core::{Core, ErrorCode, ExchangePart, ExchangeRequest, Fetch, token_account};
use serde_json::json;
use support::fixture::Fixture;

const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

/// The exchanging app (post-client, default scope `read`) and the subject app (basic-client,
/// `read write`).
fn apps(f: &Fixture) -> (ClientApp, ClientApp) {
    let exchanging = f.app(
        "post-client",
        AuthMethod::ClientSecretPost,
        "post-secret",
        &["read"],
    );
    (exchanging, f.basic_app())
}

fn from(subject: &ClientApp) -> ExchangeRequest {
    ExchangeRequest {
        subject_app: subject.id.clone(),
        ..ExchangeRequest::default()
    }
}

/// The provider's error code of a refusal.
fn provider_code(error: &authdeck_core::Error) -> String {
    match error {
        authdeck_core::Error::Provider { error, .. } => error.clone(),
        other => panic!("not a provider's refusal: {other:?}"),
    }
}

fn value_of(core: &Core, app: &ClientApp) -> String {
    core.token_value(&app.id).unwrap().1.expose().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exchange_is_kept_as_the_apps_token_with_its_issued_type_and_not_renewed() {
    let f = Fixture::new("exchange", &["--strict"]);
    let (app, subject) = apps(&f);
    let request = ExchangeRequest {
        audiences: vec!["https://reports.example".into(), "urn:other".into()],
        resources: vec!["https://api.authdeck.test/".into()],
        ..from(&subject)
    };
    let status = f.core.exchange_token(&app.id, &request).await.unwrap();
    assert_eq!(status.state, TokenState::Valid);
    let token = status.token.unwrap();
    assert_eq!(token.source, TokenSource::TokenExchange);
    assert_eq!(token.issued_token_type.as_deref(), Some(ACCESS_TOKEN_TYPE));
    assert_eq!(token.token_type, "Bearer");
    // the subject token was got first, by client credentials
    let subject_token = f.core.token_status(&subject.id).unwrap().token.unwrap();
    assert_eq!(subject_token.source, TokenSource::ClientCredentials);

    let seen = f.exchanges();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["client_id"], "post-client");
    assert_eq!(seen[0]["subject_client_id"], "basic-client");
    assert_eq!(
        seen[0]["audience"],
        json!(["https://reports.example", "urn:other"])
    );
    assert_eq!(seen[0]["resource"], json!(["https://api.authdeck.test/"]));
    assert_eq!(seen[0]["scope"], json!(null));
    assert_eq!(seen[0]["status"], 200);
    let auth: Vec<_> = f
        .requests()
        .into_iter()
        .filter(|r| r["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange")
        .map(|r| (r["auth_method"].clone(), r["content_type"].clone()))
        .collect();
    assert_eq!(
        auth,
        [(
            json!("client_secret_post"),
            json!("application/x-www-form-urlencoded")
        )]
    );

    // Neither a renewal nor a request "if needed" re-runs the exchange or quietly swaps in a
    // client-credentials token.
    let exchanged = value_of(&f.core, &app);
    let error = f
        .core
        .fetch_token(&app.id, TokenRequestInput::default(), Fetch::New)
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::LoginRequired);
    assert!(
        error.to_string().contains("Run `authdeck exchange` again"),
        "{error}"
    );
    let kept = f.core.token_status(&app.id).unwrap().token.unwrap();
    assert_eq!(kept.id, token.id);
    assert_eq!(value_of(&f.core, &app), exchanged);
    assert_eq!(f.exchanges().len(), 1);

    // no token value in the data folder (the database, its journal, the lock files)
    for value in [exchanged, value_of(&f.core, &subject)] {
        for path in support::files_under(f.home.path()) {
            let bytes = std::fs::read(&path).unwrap();
            let found = bytes
                .windows(value.len())
                .any(|window| window == value.as_bytes());
            assert!(!found, "a token value is in {}", path.display());
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exchange_may_narrow_the_scope_and_is_refused_a_wider_one() {
    let f = Fixture::new("exchange-scope", &[]);
    let (subject, app) = apps(&f); // the subject (post-client) holds only `read`
    let wider = ExchangeRequest {
        scopes: Some(vec!["read write".into()]),
        ..from(&subject)
    };
    let before = f.new_token(&app).await.unwrap().token.unwrap();
    let failure = f.core.exchange_token(&app.id, &wider).await.unwrap_err();
    assert_eq!(failure.part, ExchangePart::Scope);
    let error = failure.error;
    assert_eq!(provider_code(&error), "invalid_scope");
    assert!(error.to_string().contains("exceeds the subject"), "{error}");
    assert_eq!(f.core.token_status(&app.id).unwrap().token.unwrap(), before);

    let narrow = ExchangeRequest {
        scopes: Some(vec!["read".into()]),
        ..from(&subject)
    };
    let token = f
        .core
        .exchange_token(&app.id, &narrow)
        .await
        .unwrap()
        .token
        .unwrap();
    assert_eq!(token.requested_scopes, ["read"]);
    assert_eq!(token.granted_scopes, Some(vec!["read".to_owned()]));
    let seen = f.exchanges();
    assert_eq!(seen[0]["subject_scope"], "read");
    assert_eq!(seen[1]["scope"], "read");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_subject_token_is_invalid_grant_and_the_apps_token_is_kept() {
    let f = Fixture::new("exchange-revoked", &[]);
    let (app, subject) = apps(&f);
    f.new_token(&subject).await.unwrap();
    let before = f.new_token(&app).await.unwrap().token.unwrap();
    let value = value_of(&f.core, &app);
    let accounts = f.accounts();
    // revoked at the provider behind Authdeck's back: Authdeck still counts it valid
    let subject_value = value_of(&f.core, &subject);
    tokio::task::block_in_place(|| {
        f.server
            .revoke("basic-client", "basic-secret", &subject_value)
    });

    let failure = f
        .core
        .exchange_token(&app.id, &from(&subject))
        .await
        .unwrap_err();
    assert_eq!(failure.part, ExchangePart::Subject);
    let error = failure.error;
    assert_eq!(provider_code(&error), "invalid_grant");
    assert!(error.to_string().contains("invalid_grant"), "{error}");
    let seen = f.exchanges();
    assert_eq!(seen[0]["error"], "invalid_grant");
    assert_eq!(
        seen[0]["subject_client_id"],
        json!(null),
        "the server found no such token"
    );
    assert_eq!(f.core.token_status(&app.id).unwrap().token.unwrap(), before);
    assert_eq!(value_of(&f.core, &app), value);
    assert_eq!(f.accounts(), accounts);
    assert!(accounts.contains(&token_account(&before.id)));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_without_issued_token_type_is_a_bad_answer_and_nothing_is_kept() {
    let f = Fixture::new("exchange-untyped", &[]);
    let (app, subject) = apps(&f);
    let before = f.new_token(&app).await.unwrap().token.unwrap();
    f.configure(json!({"exchange_omit_issued_type": true}));
    let failure = f
        .core
        .exchange_token(&app.id, &from(&subject))
        .await
        .unwrap_err();
    assert_eq!(failure.part, ExchangePart::Request);
    let error = failure.error;
    assert_eq!(error.code(), ErrorCode::BadResponse);
    assert!(error.to_string().contains("issued_token_type"), "{error}");
    assert_eq!(f.exchanges()[0]["status"], 200);
    assert_eq!(f.core.token_status(&app.id).unwrap().token.unwrap(), before);
    assert!(!f.accounts().is_empty());
    assert_eq!(
        f.accounts()
            .iter()
            .filter(|a| a.starts_with("token:"))
            .count(),
        2,
        "the app's and the subject's tokens only"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_whose_metadata_leaves_the_grant_out_is_not_sent_the_exchange() {
    let f = Fixture::new("exchange-unlisted", &[]);
    let (app, subject) = apps(&f);
    let before = f.new_token(&app).await.unwrap().token.unwrap();
    f.configure(json!({"grant_types_listed": ["client_credentials", "refresh_token"]}));
    let failure = f
        .core
        .exchange_token(&app.id, &from(&subject))
        .await
        .unwrap_err();
    assert_eq!(failure.part, ExchangePart::Grant);
    assert_eq!(failure.error.code(), ErrorCode::NotConfigured);
    assert_eq!(
        failure.error.to_string(),
        "The provider of “Local” does not offer token exchange: its metadata's \
         grant_types_supported lists client_credentials, refresh_token, not \
         urn:ietf:params:oauth:grant-type:token-exchange; nothing was sent."
    );
    assert!(
        f.exchanges().is_empty(),
        "nothing reached the token endpoint"
    );
    assert_eq!(f.core.token_status(&app.id).unwrap().token.unwrap(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subject_app_that_cannot_get_a_token_is_the_subjects_failure() {
    let f = Fixture::new("exchange-no-subject", &[]);
    let (app, _) = apps(&f);
    // a public client gets its tokens only by a user's sign-in
    let subject = f.public_app("native-client", &["read"]);
    let failure = f
        .core
        .exchange_token(&app.id, &from(&subject))
        .await
        .unwrap_err();
    assert_eq!(failure.part, ExchangePart::Subject);
    assert_eq!(failure.error.code(), ErrorCode::LoginRequired);
    assert!(
        f.exchanges().is_empty(),
        "nothing reached the token endpoint"
    );
}
