//! Tokens against the real test authorization server (oidc-provider) and the real keychain:
//! client credentials by each auth method, discovery, introspection, token info, revocation,
//! renewal, single-flight, and every failure a provider can produce.

mod support;

use authdeck_core::http::HttpLimits;
use authdeck_core::model::*;
use authdeck_core::{Core, ErrorCode, Fetch, token_account};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use support::fixture::Fixture;

#[tokio::test(flavor = "multi_thread")]
async fn client_secret_basic_and_post_are_what_the_server_saw() {
    let f = Fixture::new("methods", &["--strict"]);
    let basic = f.basic_app();
    let post = f.app(
        "post-client",
        AuthMethod::ClientSecretPost,
        "post-secret",
        &["read"],
    );

    let got = f.new_token(&basic).await.unwrap();
    assert_eq!(got.state, TokenState::Valid);
    let token = got.token.unwrap();
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.requested_scopes, ["read", "write"]);
    assert_eq!(
        token.granted_scopes.as_deref(),
        Some(&["read".to_owned(), "write".to_owned()][..])
    );
    assert!(!token.is_jwt);
    f.new_token(&post).await.unwrap();

    let records = f.requests();
    let seen: Vec<(&str, &str, &str)> = records
        .iter()
        .map(|r| {
            (
                r["client_id"].as_str().unwrap(),
                r["auth_method"].as_str().unwrap(),
                r["content_type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "basic-client",
                "client_secret_basic",
                "application/x-www-form-urlencoded"
            ),
            (
                "post-client",
                "client_secret_post",
                "application/x-www-form-urlencoded"
            ),
        ]
    );
    assert_eq!(records[0]["grant_type"], "client_credentials");
    assert_eq!(records[0]["scope"], "read write");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_with_reserved_characters_is_form_encoded_for_basic() {
    let f = Fixture::new("special", &[]);
    let app = f.app(
        "special-client",
        AuthMethod::ClientSecretBasic,
        "a+b/c=d%e f:g",
        &["read"],
    );
    let got = f.new_token(&app).await.unwrap();
    assert_eq!(got.state, TokenState::Valid);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_lives_in_the_keychain_and_survives_a_restart() {
    let f = Fixture::new("restart", &["--token-ttl", "7200"]);
    let app = f.basic_app();
    let got = f.new_token(&app).await.unwrap().token.unwrap();
    let (_, value) = f.core.token_value(&app.id).unwrap();
    assert_eq!(
        support::secret_tool_lookup(&f.namespace, &token_account(&got.id)).as_deref(),
        Some(value.expose())
    );
    let expires_in = got.expires_at.unwrap().unix() - got.issued_at.unix();
    assert_eq!(expires_in, 7200);

    let reopened = support::open(f.home.path(), &f.namespace);
    let status = reopened.token_status(&app.id).unwrap();
    assert_eq!(status.state, TokenState::Valid);
    assert_eq!(status.token.as_ref(), Some(&got));
    assert_eq!(reopened.token_value(&app.id).unwrap().1, value);

    // a second token replaces the first, in the store and in the keychain
    let second = f.new_token(&app).await.unwrap().token.unwrap();
    assert_ne!(second.id, got.id);
    let mut accounts = f.accounts();
    accounts.sort();
    let secret = f.core.secrets(&app.id).unwrap()[0].id.clone();
    let mut expected = vec![
        authdeck_core::secret_account(&secret),
        token_account(&second.id),
    ];
    expected.sort();
    assert_eq!(accounts, expected);
    // the secret that minted it is recorded as used
    assert_eq!(second.secret_id.as_ref(), Some(&secret));
    assert!(f.core.secrets(&app.id).unwrap()[0].last_used_at.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn no_token_value_reaches_the_data_folder() {
    let f = Fixture::new("canary", &[]);
    let app = f.basic_app();
    f.new_token(&app).await.unwrap();
    let (_, value) = f.core.token_value(&app.id).unwrap();
    assert!(value.expose().len() >= 20);
    f.core.introspect_token(&app.id).await.unwrap();
    f.core.revoke_token(&app.id).await.unwrap();
    let files = support::files_under(f.home.path());
    assert!(files.len() >= 2, "the database and a lock file: {files:?}");
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let found = bytes
            .windows(value.expose().len())
            .any(|window| window == value.expose().as_bytes());
        assert!(!found, "the token value is in {}", path.display());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn introspection_says_active_then_inactive_after_revocation() {
    let f = Fixture::new("revoke", &[]);
    let app = f.basic_app();
    f.new_token(&app).await.unwrap();

    let first = f.core.introspect_token(&app.id).await.unwrap();
    assert!(first.active);
    let field = |name: &str| {
        first
            .fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.clone())
    };
    assert_eq!(field("client_id").as_deref(), Some("basic-client"));
    assert_eq!(field("scope").as_deref(), Some("read write"));

    let revoked = f.core.revoke_token(&app.id).await.unwrap();
    assert_eq!(revoked.state, TokenState::Revoked);
    let after = f.core.introspect_token(&app.id).await.unwrap();
    assert!(!after.active);
    // renewal never touches a revoked token
    f.clock.0.store(3600, Ordering::SeqCst);
    assert_eq!(f.core.renewals_due().unwrap(), Vec::<AppId>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn active_counts_only_as_a_json_boolean() {
    let f = Fixture::new("active-string", &[]);
    let app = f.basic_app();
    f.new_token(&app).await.unwrap();
    f.configure(serde_json::json!({"introspection_fault": "active_string"}));
    let error = f.core.introspect_token(&app.id).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::BadResponse);
    assert!(error.to_string().contains("“active”"), "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn token_info_shows_the_doorkeeper_fields() {
    let f = Fixture::new("token-info", &["--token-ttl", "600"]);
    let app = f.basic_app();
    let token = f.new_token(&app).await.unwrap().token.unwrap();
    let info = f.core.token_info(&app.id).await.unwrap();
    assert_eq!(info.application_uid.as_deref(), Some("basic-client"));
    assert_eq!(info.scopes, ["read", "write"]);
    assert_eq!(info.resource_owner_id, None);
    let left = info.expires_in_seconds.unwrap();
    assert!((590..=600).contains(&left), "{left}");
    // The server dates the token when it issues it, Authdeck when the answer arrives (the
    // answer has no created_at): the same second, or the next one when a second ends between.
    let created = info.created_at.unwrap().unix();
    let arrived = token.issued_at.unix();
    assert!(
        (0..=1).contains(&(arrived - created)),
        "created {created}, arrived {arrived}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn jwt_access_tokens_are_decoded_for_display() {
    let f = Fixture::new("jwt", &[]);
    let app = f.app(
        "jwt-client",
        AuthMethod::ClientSecretBasic,
        "jwt-secret",
        &["read"],
    );
    let status = f.new_token(&app).await.unwrap();
    assert!(status.token.as_ref().unwrap().is_jwt);
    let details = f.core.token_details(&app.id).unwrap();
    let jwt = details.jwt.unwrap();
    let claim = |name: &str| {
        jwt.claims
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.value.clone())
    };
    assert_eq!(claim("client_id").as_deref(), Some("jwt-client"));
    assert_eq!(
        claim("aud").as_deref(),
        Some("https://jwt-api.authdeck.test/")
    );
    assert_eq!(claim("iss"), Some(f.server.issuer.clone()));
    assert!(
        jwt.header
            .iter()
            .any(|h| h.name == "alg" && h.value == "RS256")
    );
    assert!(
        jwt.claims
            .iter()
            .find(|c| c.name == "exp")
            .unwrap()
            .note
            .is_some()
    );
}

/// One `Fetch::New` per core, all at once; the distinct token ids they got.
async fn new_tokens_at_once(cores: &[Arc<Core>], app: &AppId) -> Vec<TokenId> {
    let tasks: Vec<_> = cores
        .iter()
        .map(|core| {
            let core = core.clone();
            let app = app.clone();
            tokio::spawn(async move {
                core.fetch_token(&app, TokenRequestInput::default(), Fetch::New)
                    .await
                    .map(|status| status.token.unwrap().id)
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap());
    }
    ids.sort();
    ids.dedup();
    ids
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_concurrent_requests_make_one_token_request() {
    let f = Fixture::new("single-flight", &["--delay-ms", "300"]);
    let app = f.basic_app();
    let cores = vec![f.core.clone(); 50];
    let ids = new_tokens_at_once(&cores, &app.id).await;
    assert_eq!(ids.len(), 1, "every caller got the same token");
    let records = f.requests();
    assert_eq!(records.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_valid_stored_token_is_reused_when_only_needed() {
    let f = Fixture::new("if-needed", &[]);
    let app = f.basic_app();
    let first = f.new_token(&app).await.unwrap().token.unwrap();
    let again = f
        .core
        .fetch_token(
            &app.id,
            TokenRequestInput::default(),
            Fetch::IfNeeded {
                min_valid_seconds: 60,
            },
        )
        .await
        .unwrap();
    assert_eq!(again.token.unwrap().id, first.id);
    f.clock.0.store(3600, Ordering::SeqCst);
    let renewed = f
        .core
        .fetch_token(
            &app.id,
            TokenRequestInput::default(),
            Fetch::IfNeeded {
                min_valid_seconds: 60,
            },
        )
        .await
        .unwrap();
    assert_ne!(renewed.token.unwrap().id, first.id);
    let records = f.requests();
    assert_eq!(records.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn renewal_is_due_inside_the_window_and_a_failure_stops_it() {
    let f = Fixture::new("renew", &["--token-ttl", "3600"]);
    let app = f.basic_app();
    f.new_token(&app).await.unwrap();
    assert_eq!(f.core.renewals_due().unwrap(), Vec::<AppId>::new());
    f.clock.0.store(3600 - 299, Ordering::SeqCst);
    assert_eq!(f.core.renewals_due().unwrap(), vec![app.id.clone()]);
    f.core.set_auto_renew(&app.id, false).unwrap();
    assert_eq!(f.core.renewals_due().unwrap(), Vec::<AppId>::new());
    f.core.set_auto_renew(&app.id, true).unwrap();

    f.configure(serde_json::json!({"fault": "html_500"}));
    let error = f
        .core
        .fetch_token(&app.id, TokenRequestInput::default(), Fetch::Renew)
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::BadResponse);
    let status = f.core.token_status(&app.id).unwrap();
    assert_eq!(status.token.unwrap().renew_error, Some(error.to_string()));
    assert_eq!(
        f.core.renewals_due().unwrap(),
        Vec::<AppId>::new(),
        "no retry loop"
    );

    f.configure(serde_json::json!({"fault": null}));
    let renewed = f
        .core
        .fetch_token(&app.id, TokenRequestInput::default(), Fetch::Renew)
        .await
        .unwrap();
    assert_eq!(renewed.state, TokenState::Valid);
    assert_eq!(renewed.token.unwrap().renew_error, None);
}

/// Makes the server misbehave and checks the typed error, and that nothing was stored.
async fn refused(f: &Fixture, fault: Value, code: ErrorCode, words: &str) {
    let app = f.core.apps(&f.environment.id).unwrap()[0].id.clone();
    f.configure(serde_json::json!({ "fault": fault }));
    let before = f.accounts();
    let error = f
        .core
        .fetch_token(&app, TokenRequestInput::default(), Fetch::New)
        .await
        .unwrap_err();
    assert_eq!(error.code(), code, "{error}");
    assert!(error.to_string().contains(words), "{error}");
    assert_eq!(f.core.token_status(&app).unwrap().state, TokenState::None);
    assert_eq!(f.accounts(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_misbehaving_answer_is_a_typed_error_and_stores_nothing() {
    let limits = HttpLimits {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(1),
        max_body: 64 * 1024,
        ..HttpLimits::default()
    };
    let f = Fixture::with_limits("faults", &[], limits);
    f.basic_app();
    let null = Value::Null;
    refused(&f, "status_415".into(), ErrorCode::Provider, "HTTP 415").await;
    refused(
        &f,
        "html_500".into(),
        ErrorCode::BadResponse,
        "server error (HTTP 500) and sent an HTML page",
    )
    .await;
    refused(&f, "empty_500".into(), ErrorCode::BadResponse, "HTTP 500").await;
    refused(
        &f,
        "html_200".into(),
        ErrorCode::BadResponse,
        "with an HTML page, not JSON",
    )
    .await;
    refused(
        &f,
        "redirect".into(),
        ErrorCode::BadResponse,
        "does not follow redirects",
    )
    .await;
    refused(
        &f,
        "huge".into(),
        ErrorCode::BadResponse,
        "more than 65536 bytes",
    )
    .await;
    f.configure(serde_json::json!({"delay_ms": 3000}));
    refused(&f, null, ErrorCode::Timeout, "did not answer within 1 s").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn provider_errors_quote_the_provider_and_say_what_to_check() {
    let f = Fixture::new("provider-errors", &[]);
    let wrong = f.app(
        "basic-client",
        AuthMethod::ClientSecretBasic,
        "not-the-secret",
        &["read"],
    );
    let error = f.new_token(&wrong).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Provider);
    let message = error.to_string();
    assert!(message.contains("HTTP 401, invalid_client"), "{message}");
    assert!(
        message.contains("Check the client ID and secret"),
        "{message}"
    );
    assert_eq!(
        f.core.token_status(&wrong.id).unwrap().state,
        TokenState::None
    );

    let scoped = f.app(
        "post-client",
        AuthMethod::ClientSecretPost,
        "post-secret",
        &["read"],
    );
    let error = f
        .core
        .fetch_token(
            &scoped.id,
            TokenRequestInput {
                scopes: Some(vec!["read admin".into()]),
            },
            Fetch::New,
        )
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("invalid_scope"), "{message}");
    assert!(
        message.contains("Requested scopes: read admin"),
        "{message}"
    );
    assert_eq!(
        f.core.token_status(&scoped.id).unwrap().state,
        TokenState::None
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn granted_scopes_are_compared_with_requested_ones() {
    let f = Fixture::new("scopes", &[]);
    let app = f.app(
        "post-client",
        AuthMethod::ClientSecretPost,
        "post-secret",
        &["read"],
    );
    let status = f
        .core
        .fetch_token(
            &app.id,
            TokenRequestInput {
                scopes: Some(vec!["openid".into(), "read".into()]),
            },
            Fetch::New,
        )
        .await
        .unwrap();
    let token = status.token.unwrap();
    assert_eq!(token.requested_scopes, ["openid", "read"]);
    assert_eq!(token.granted_scopes, Some(vec!["read".to_owned()]));
    assert_eq!(status.scopes_missing, ["openid"]);
    assert_eq!(status.scopes_added, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_port_or_a_failed_handshake_is_a_network_error() {
    let f = Fixture::new("transport", &[]);
    let app = f.basic_app();
    // a port nothing listens on
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    with_token_url(&f, &format!("http://127.0.0.1:{port}/token"));
    let error = f.new_token(&app).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Network);
    assert!(
        error
            .to_string()
            .contains(&format!("Could not connect to 127.0.0.1:{port}")),
        "{error}"
    );

    // https to a server that does not speak TLS: the handshake fails, nothing is sent
    let server_port = f.server.issuer.rsplit(':').next().unwrap().to_owned();
    with_token_url(&f, &format!("https://127.0.0.1:{server_port}/token"));
    let error = f.new_token(&app).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Network);
    assert!(
        error
            .to_string()
            .contains("The secure connection to 127.0.0.1"),
        "{error}"
    );
}

fn with_token_url(f: &Fixture, url: &str) {
    let mut endpoints = f.environment.endpoints.clone();
    endpoints.token_url = Some(url.to_owned());
    f.core
        .update_environment(
            &f.environment.id,
            EnvironmentInput {
                name: "Local".into(),
                kind: EnvironmentKind::Sandbox,
                color: "#2f80ed".into(),
                endpoints,
                profile: ProviderProfile::Standard,
                rotation_days: DEFAULT_ROTATION_DAYS,
            },
        )
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_records_the_outcome_on_the_secret() {
    let f = Fixture::new("verify", &[]);
    let app = f.basic_app();
    let good = f.core.secrets(&app.id).unwrap()[0].id.clone();
    let bad = support::add(&f.core, &app, "typo", "basic-secreT").id;
    let verified = f.core.verify_secret(&good).await.unwrap();
    assert_eq!(verified.last_verify_ok, Some(true));
    assert!(verified.last_verified_at.is_some());
    let failed = f.core.verify_secret(&bad).await.unwrap();
    assert_eq!(failed.last_verify_ok, Some(false));
    assert!(
        failed
            .last_verify_message
            .unwrap()
            .contains("invalid_client")
    );
    // verifying stores no token
    assert_eq!(
        f.core.token_status(&app.id).unwrap().state,
        TokenState::None
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_fills_endpoints_and_refuses_another_issuer() {
    let f = Fixture::new("discovery", &[]);
    let issuer = f.server.issuer.clone();
    let found = f.core.discover(&issuer).await.unwrap();
    // oidc-provider serves the same metadata under both names
    assert_eq!(
        found.metadata_urls,
        [
            format!("{issuer}/.well-known/openid-configuration"),
            format!("{issuer}/.well-known/oauth-authorization-server")
        ]
    );
    assert_eq!(found.endpoints.token_url, Some(format!("{issuer}/token")));
    assert_eq!(
        found.endpoints.introspection_url,
        Some(format!("{issuer}/token/introspection"))
    );
    assert_eq!(
        found.endpoints.revocation_url,
        Some(format!("{issuer}/token/revocation"))
    );
    assert_eq!(
        found.endpoints.authorization_url,
        Some(format!("{issuer}/auth"))
    );
    assert!(
        found
            .code_challenge_methods_supported
            .contains(&"S256".to_owned())
    );

    let error = f.core.discover(&format!("{issuer}/")).await.unwrap_err();
    assert_eq!(error.field(), Some("issuer_url"));
    assert!(
        error
            .to_string()
            .contains("differ only in a trailing slash"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_reads_both_documents_and_says_where_each_endpoint_came_from() {
    let f = Fixture::new("discovery-split", &[]);
    f.configure(serde_json::json!({"metadata_split": true}));
    let issuer = f.server.issuer.clone();
    let found = f.core.discover(&issuer).await.unwrap();
    let openid = format!("{issuer}/.well-known/openid-configuration");
    let oauth = format!("{issuer}/.well-known/oauth-authorization-server");
    assert_eq!(found.metadata_urls, [openid.clone(), oauth.clone()]);
    let endpoints = &found.endpoints;
    assert_eq!(endpoints.token_url, Some(format!("{issuer}/token")));
    assert_eq!(endpoints.authorization_url, Some(format!("{issuer}/auth")));
    assert_eq!(
        endpoints.introspection_url,
        Some(format!("{issuer}/token/introspection"))
    );
    assert_eq!(
        endpoints.revocation_url,
        Some(format!("{issuer}/token/revocation"))
    );
    assert_eq!(
        endpoints.device_authorization_url,
        Some(format!("{issuer}/device/auth"))
    );
    let sources: Vec<(String, String)> = found
        .sources
        .iter()
        .map(|s| (s.field.clone(), s.metadata_url.clone()))
        .collect();
    assert_eq!(
        sources,
        [
            ("authorization_url".to_owned(), openid.clone()),
            ("token_url".to_owned(), openid.clone()),
            ("introspection_url".to_owned(), oauth.clone()),
            ("revocation_url".to_owned(), oauth.clone()),
            ("device_authorization_url".to_owned(), oauth.clone()),
        ]
    );

    // a second document that names another issuer spoils the discovery, not only itself
    f.configure(serde_json::json!({"metadata_split": "other_issuer"}));
    let error = f.core.discover(&issuer).await.unwrap_err();
    assert_eq!(error.field(), Some("issuer_url"));
    assert_eq!(
        error.to_string(),
        format!(
            "The metadata at {oauth} names the issuer “https://other.example.com”, not \
             “{issuer}”, so it was not used. Check that this is the provider you meant; metadata \
             naming another issuer may be an attack or a misconfigured proxy."
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn try_it_calls_the_api_with_the_token() {
    let f = Fixture::new("try-it", &[]);
    let app = f.basic_app();
    let request = ApiRequest {
        app_id: app.id.clone(),
        method: "GET".into(),
        path: "/oauth/token/info".into(),
        headers: vec![Header {
            name: "Accept".into(),
            value: "application/json".into(),
        }],
        body: String::new(),
    };
    // no token yet: one is fetched first
    let response = f.core.call_api(&request).await.unwrap();
    assert_eq!(response.status, 200);
    assert!(response.is_json);
    assert!(
        response.body.contains("\"uid\": \"basic-client\""),
        "{}",
        response.body
    );
    let curl = f.core.curl_command(&request, false).unwrap();
    assert_eq!(
        curl.expose(),
        format!(
            "curl -sS '{}/oauth/token/info' -H \"Authorization: Bearer $TOKEN\" -H 'Accept: application/json'",
            f.server.issuer
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_programs_on_one_data_folder_make_one_token_request() {
    // Two Cores on the same data folder stand for the desktop app and the CLI: they share no
    // memory, only the data folder's lock file and the store.
    let f = Fixture::new("two-programs", &["--delay-ms", "300"]);
    let app = f.basic_app();
    let other = Arc::new(support::open(f.home.path(), &f.namespace));
    let cores: Vec<Arc<Core>> = (0..20)
        .map(|n| {
            if n % 2 == 0 {
                f.core.clone()
            } else {
                other.clone()
            }
        })
        .collect();
    let ids = new_tokens_at_once(&cores, &app.id).await;
    assert_eq!(ids.len(), 1, "both programs hold the same token");
    let records = f.requests();
    assert_eq!(records.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_apps_audience_and_resource_go_with_its_token_requests() {
    let f = Fixture::new("extras", &[]);
    let app = f.basic_app();
    let mut input = ClientAppInput {
        audience: Some("https://billing.example.test".into()),
        resource: Some("https://api.authdeck.test/".into()),
        ..app.input()
    };
    f.core.update_app(&app.id, input.clone()).unwrap();
    f.new_token(&app).await.unwrap();
    input.audience = None;
    input.resource = None;
    f.core.update_app(&app.id, input).unwrap();
    f.new_token(&app).await.unwrap();
    let records = f.requests();
    let sent: Vec<(Value, Value)> = records
        .iter()
        .map(|r| (r["audience"].clone(), r["resource"].clone()))
        .collect();
    assert_eq!(
        sent,
        [
            (
                Value::from("https://billing.example.test"),
                Value::from("https://api.authdeck.test/")
            ),
            (Value::Null, Value::Null),
        ]
    );
}
