//! Admin work at the provider through an environment's connector, against the real test
//! server: its REST "OAuth apps" API and its RFC 7591/7592 registration, both backed by the
//! server's client store, with the real keychain. Create → the captured secret gets a token →
//! delete at the provider (revoking first) → the secret no longer works; import, drift, pull,
//! push; every failure typed with nothing changed here.

mod support;

use authdeck_core::ErrorCode;
use authdeck_core::http::HttpLimits;
use authdeck_core::model::*;
use authdeck_core::vault::SecretStore;
use serde_json::{Value, json};
use std::time::Duration;
use support::fixture::Fixture;

/// The test server's own view of its OAuth apps, through its REST API as admin-client.
fn server_api(f: &Fixture, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    tokio::task::block_in_place(|| {
        let http = support::http_client().build().unwrap();
        let token: Value = http
            .post(format!("{}/token", f.server.issuer))
            .basic_auth("admin-client", Some("admin-secret"))
            .form(&[("grant_type", "client_credentials"), ("scope", "read")])
            .send()
            .unwrap()
            .json()
            .unwrap();
        let mut request = http
            .request(
                method.parse().unwrap(),
                format!("{}/v1/oauthApps{path}", f.server.issuer),
            )
            .bearer_auth(token["access_token"].as_str().unwrap());
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        (status, response.json().unwrap_or(Value::Null))
    })
}

/// Whether client credentials with this ID and secret get a token from the server.
fn can_get_token(f: &Fixture, client_id: &str, secret: &str) -> bool {
    tokio::task::block_in_place(|| {
        support::http_client()
            .build()
            .unwrap()
            .post(format!("{}/token", f.server.issuer))
            .basic_auth(client_id, Some(secret))
            .form(&[("grant_type", "client_credentials"), ("scope", "read")])
            .send()
            .unwrap()
            .status()
            .is_success()
    })
}

fn oauth_apps_connector(f: &Fixture, auth: &ClientApp) {
    f.core
        .set_connector(
            &f.environment.id,
            Some(Connector {
                environment_id: f.environment.id.clone(),
                kind: ConnectorKind::OauthApps,
                base_url: format!("{}/", f.server.issuer),
                auth_app_id: Some(auth.id.clone()),
            }),
        )
        .unwrap();
}

fn admin(f: &Fixture) -> ClientApp {
    f.app(
        "admin-client",
        AuthMethod::ClientSecretBasic,
        "admin-secret",
        &["read"],
    )
}

fn fields(name: &str) -> RemoteFields {
    RemoteFields {
        display_name: name.into(),
        description: "Made by Authdeck's tests".into(),
        logo_uri: None,
        redirect_uris: vec!["https://app.example.com/callback".into()],
        logout_urls: vec!["https://app.example.com/bye".into()],
        web_origins: vec!["https://app.example.com".into()],
        labels: vec!["team=billing".into()],
    }
}

fn app_count(f: &Fixture) -> usize {
    f.core.apps(&f.environment.id).unwrap().len()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_app_created_at_the_provider_gets_a_token_with_its_captured_secret_until_deleted_there()
{
    let f = Fixture::new("remote-create", &[]);
    let admin = admin(&f);
    oauth_apps_connector(&f, &admin);

    let created = f
        .core
        .create_remote_app(
            &f.environment.id,
            fields("Billing sync"),
            vec!["read".into()],
        )
        .await
        .unwrap();
    let app = &created.app;
    assert_eq!(app.display_name, "Billing sync");
    assert_eq!(app.client_id, created.remote.client_id);
    assert_eq!(app.labels, ["team=billing"]);
    assert_eq!(created.remote.local_app_id.as_ref(), Some(&app.id));
    let link = f.core.remote_link(&app.id).unwrap().unwrap();
    assert_eq!(link.remote_id, created.remote.remote_id);
    assert!(link.remote_id.starts_with("oauthApps/"));
    assert_eq!(link.created_by.as_deref(), Some("clients/admin-client"));

    // the secret the provider showed is the one in the keychain, and it works
    let secret = created.secret.expect("the first secret");
    assert_eq!(secret.label, "Created at the provider");
    assert!(secret.provider_created_at.is_some());
    let id = link.remote_id.trim_start_matches("oauthApps/").to_owned();
    let (_, at_provider) = server_api(&f, "GET", &format!("/{id}"), None);
    let stored = f.core.secret_value(&secret.id).unwrap();
    assert_eq!(
        stored.expose(),
        at_provider["clientSecret"].as_str().unwrap()
    );
    let token = f.new_token(app).await.unwrap();
    assert_eq!(token.state, TokenState::Valid);
    assert_eq!(
        f.requests().last().unwrap()["client_id"],
        app.client_id.as_str()
    );

    // delete at the provider, revoking Authdeck's token first
    let deleted = f.core.delete_remote_app(&app.id, true).await.unwrap();
    assert!(deleted.token_revoked);
    assert_eq!(
        deleted.app_deleted.keychain_entries_removed, 2,
        "secret and token"
    );
    assert_eq!(f.core.app(&app.id).unwrap_err().code(), ErrorCode::NotFound);
    assert!(!can_get_token(&f, &app.client_id, stored.expose()));
    assert_eq!(server_api(&f, "GET", &format!("/{id}"), None).0, 404);
    let (expected, held) = f.core.consistency().unwrap();
    assert_eq!(expected, held);

    // the audit log says what happened at the provider, never the secret
    let log = f
        .core
        .audit_log(&authdeck_core::audit::AuditQuery::default())
        .unwrap();
    let at_provider: Vec<(&str, &str)> = log
        .iter()
        .filter(|e| e.action.as_str().starts_with("remote_app"))
        .map(|e| (e.action.as_str(), e.detail.as_str()))
        .collect();
    assert_eq!(
        at_provider,
        [
            ("remote_app_deleted", link.remote_id.as_str()),
            ("remote_app_created", link.remote_id.as_str())
        ]
    );
    let printed = format!("{log:?}");
    assert!(
        !printed.contains(stored.expose()),
        "no secret in the audit log"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn remote_apps_are_imported_without_their_secret_and_drift_is_pulled_or_pushed() {
    let f = Fixture::new("remote-import", &[]);
    let admin = admin(&f);
    oauth_apps_connector(&f, &admin);
    let (status, made) = server_api(
        &f,
        "POST",
        "",
        Some(json!({
            "displayName": "Made elsewhere",
            "description": "by the console",
            "allowedCallbackUrls": ["https://elsewhere.example.com/cb"],
            "labels": {"owner": "ops"},
        })),
    );
    assert_eq!(status, 200);
    let remote_secret = made["clientSecret"].as_str().unwrap().to_owned();

    let listed = f.core.remote_apps(&f.environment.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].fields.display_name, "Made elsewhere");
    assert_eq!(listed[0].fields.labels, ["owner=ops"]);
    assert_eq!(listed[0].local_app_id, None);

    let app = f
        .core
        .import_remote_app(&f.environment.id, &listed[0].remote_id)
        .await
        .unwrap();
    assert_eq!(app.client_id, made["clientId"].as_str().unwrap());
    assert!(
        f.core.secrets(&app.id).unwrap().is_empty(),
        "not stored here"
    );
    assert!(
        !support::keychain(&f.namespace)
            .accounts()
            .unwrap()
            .iter()
            .any(|account| support::keychain(&f.namespace)
                .get(account)
                .unwrap()
                .expose()
                == remote_secret),
        "the secret the API repeats is not taken"
    );
    for file in std::fs::read_dir(f.home.path()).unwrap() {
        let path = file.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(!String::from_utf8_lossy(&bytes).contains(&remote_secret));
        }
    }
    let again = f
        .core
        .import_remote_app(&f.environment.id, &listed[0].remote_id)
        .await
        .unwrap_err();
    assert_eq!(again.code(), ErrorCode::Conflict);
    assert_eq!(
        f.core.remote_apps(&f.environment.id).await.unwrap()[0].local_app_id,
        Some(app.id.clone())
    );

    // changed at the provider: drift, then pull
    let id = listed[0]
        .remote_id
        .trim_start_matches("oauthApps/")
        .to_owned();
    server_api(
        &f,
        "PATCH",
        &format!("/{id}"),
        Some(json!({"description": "renamed team"})),
    );
    let drift = f.core.remote_drift(&app.id).await.unwrap();
    assert_eq!(
        drift,
        [FieldDrift {
            field: "description".into(),
            local: "by the console".into(),
            remote: "renamed team".into()
        }]
    );
    let pulled = f.core.pull_remote(&app.id).await.unwrap();
    assert_eq!(pulled.description, "renamed team");
    assert!(f.core.remote_drift(&app.id).await.unwrap().is_empty());

    // changed here: push
    let mut input = pulled.input();
    input
        .redirect_uris
        .push("https://elsewhere.example.com/cb2".into());
    f.core.update_app(&app.id, input).unwrap();
    let pushed = f.core.push_remote(&app.id).await.unwrap();
    assert_eq!(pushed.fields.redirect_uris.len(), 2);
    let (_, at_provider) = server_api(&f, "GET", &format!("/{id}"), None);
    assert_eq!(
        at_provider["allowedCallbackUrls"],
        json!([
            "https://elsewhere.example.com/cb",
            "https://elsewhere.example.com/cb2"
        ])
    );
    assert!(f.core.remote_drift(&app.id).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn every_remote_failure_is_typed_and_changes_nothing_here() {
    let limits = HttpLimits {
        timeout: Duration::from_millis(1500),
        ..HttpLimits::default()
    };
    let f = Fixture::with_limits("remote-faults", &[], limits);
    let admin = admin(&f);
    let before = app_count(&f);

    // no connector
    let none = f
        .core
        .create_remote_app(&f.environment.id, fields("A"), vec![])
        .await
        .unwrap_err();
    assert_eq!(none.code(), ErrorCode::NotConfigured);

    // a token of an app that may not manage apps: 403
    let basic = f.basic_app();
    f.core
        .set_connector(
            &f.environment.id,
            Some(Connector {
                environment_id: f.environment.id.clone(),
                kind: ConnectorKind::OauthApps,
                base_url: f.server.issuer.clone(),
                auth_app_id: Some(basic.id.clone()),
            }),
        )
        .unwrap();
    let forbidden = f
        .core
        .create_remote_app(&f.environment.id, fields("A"), vec![])
        .await
        .unwrap_err();
    assert_eq!(forbidden.code(), ErrorCode::Provider, "{forbidden}");
    assert!(forbidden.to_string().contains("HTTP 403"), "{forbidden}");
    assert!(
        forbidden.to_string().contains("may not manage apps"),
        "{forbidden}"
    );
    let counted = app_count(&f);

    oauth_apps_connector(&f, &admin);
    let cases = [
        ("conflict", ErrorCode::Conflict, "HTTP 409"),
        ("html_500", ErrorCode::BadResponse, "HTTP 500"),
        ("malformed", ErrorCode::BadResponse, "not the expected JSON"),
        ("hang", ErrorCode::Timeout, "did not answer"),
    ];
    for (fault, code, words) in cases {
        f.configure(json!({ "apps_fault": fault }));
        let error = f
            .core
            .create_remote_app(&f.environment.id, fields("B"), vec![])
            .await
            .unwrap_err();
        assert_eq!(error.code(), code, "{fault}: {error}");
        assert!(error.to_string().contains(words), "{fault}: {error}");
        assert_eq!(app_count(&f), counted, "{fault}: nothing local changed");
    }
    f.configure(json!({ "apps_fault": null }));
    let missing = f
        .core
        .import_remote_app(&f.environment.id, "oauthApps/nope")
        .await
        .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    assert!(missing.to_string().contains("HTTP 404"), "{missing}");
    assert_eq!(app_count(&f), counted);
    assert_eq!(
        counted,
        before + 1,
        "only the basic app was added, by the test"
    );

    // a local name clash is found before anything is created at the provider
    let clash = f
        .core
        .create_remote_app(&f.environment.id, fields("App basic-client"), vec![])
        .await
        .unwrap_err();
    assert_eq!(clash.field(), Some("display_name"));
    let (_, listed) = server_api(&f, "GET", "", None);
    assert_eq!(
        listed["oauthApps"],
        json!([]),
        "nothing was created at the provider"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_registered_by_rfc_7591_is_managed_by_rfc_7592_with_its_token_in_the_keychain() {
    let f = Fixture::new("remote-registration", &[]);
    f.connect_registration();
    let created = f
        .core
        .create_remote_app(&f.environment.id, fields("Registered"), vec!["read".into()])
        .await
        .unwrap();
    let app = created.app;
    assert!(
        created
            .remote
            .remote_id
            .starts_with(&format!("{}/reg/", f.server.issuer))
    );
    let vault = support::keychain(&f.namespace);
    assert!(
        vault
            .get(&authdeck_core::registration_account(&app.id))
            .is_ok(),
        "the registration access token is in the keychain"
    );
    let secret = f.core.secret_value(&created.secret.unwrap().id).unwrap();
    assert!(can_get_token(&f, &app.client_id, secret.expose()));

    let listed = f.core.remote_apps(&f.environment.id).await.unwrap_err();
    assert_eq!(listed.code(), ErrorCode::NotConfigured);

    let mut input = app.input();
    input.display_name = "Registered, renamed".into();
    input.description = "RFC 7591 carries no description".into();
    f.core.update_app(&app.id, input).unwrap();
    let drift = f.core.remote_drift(&app.id).await.unwrap();
    assert_eq!(
        drift.iter().map(|d| d.field.as_str()).collect::<Vec<_>>(),
        ["display_name"],
        "only the fields registration carries"
    );
    let pushed = f.core.push_remote(&app.id).await.unwrap();
    assert_eq!(pushed.fields.display_name, "Registered, renamed");
    assert!(f.core.remote_drift(&app.id).await.unwrap().is_empty());

    let deleted = f.core.delete_remote_app(&app.id, false).await.unwrap();
    assert!(!deleted.token_revoked);
    assert_eq!(
        deleted.app_deleted.keychain_entries_removed, 2,
        "secret and registration token"
    );
    assert!(!can_get_token(&f, &app.client_id, secret.expose()));
    let (expected, held) = f.core.consistency().unwrap();
    assert_eq!(expected, held);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connector_is_checked_before_it_is_saved() {
    let f = Fixture::new("remote-connector", &[]);
    let public = f.public_app("native-client", &["read"]);
    let set = |kind, base: &str, auth: Option<AppId>| {
        f.core.set_connector(
            &f.environment.id,
            Some(Connector {
                environment_id: f.environment.id.clone(),
                kind,
                base_url: base.into(),
                auth_app_id: auth,
            }),
        )
    };
    let http = set(ConnectorKind::OauthApps, "http://api.example.com", None).unwrap_err();
    assert_eq!(http.field(), Some("base_url"));
    let no_app = set(ConnectorKind::OauthApps, "https://api.example.com", None).unwrap_err();
    assert_eq!(no_app.field(), Some("auth_app_id"));
    let public_app = set(
        ConnectorKind::OauthApps,
        "https://api.example.com",
        Some(public.id.clone()),
    )
    .unwrap_err();
    assert_eq!(public_app.field(), Some("auth_app_id"));
    assert_eq!(f.core.connector(&f.environment.id).unwrap(), None);
    let saved = set(
        ConnectorKind::Registration,
        "https://id.example.com/reg/",
        None,
    )
    .unwrap()
    .unwrap();
    assert_eq!(saved.base_url, "https://id.example.com/reg");
    f.core.set_connector(&f.environment.id, None).unwrap();
    assert_eq!(f.core.connector(&f.environment.id).unwrap(), None);
}
