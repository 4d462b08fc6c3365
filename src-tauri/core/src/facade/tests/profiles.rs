//! Provider profiles through the facade: what an environment's profile changes in what is
//! stored and where requests go. The shapes of each provider's requests and answers are
//! proven in `profile::tests`.

use super::*;
use crate::test_server::{Reply, TestServer};

/// A Salesforce token endpoint whose answers name the server itself as the instance, and an
/// API under it.
async fn salesforce() -> TestServer {
    TestServer::start(|seen| {
        let host = seen.header("host").unwrap();
        let body = match seen.path.as_str() {
            "/services/oauth2/token" => serde_json::json!({
                "access_token": "00Dxx0000001gPL!AR8AQJXg",
                "signature": "d7Zb+rM9DCnnM=",
                "scope": "api",
                "instance_url": format!("http://{host}"),
                "id": "https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS",
                "token_type": "Bearer",
                "issued_at": "1790000000000",
            })
            .to_string(),
            _ => r#"{"DailyApiRequests":{"Max":15000,"Remaining":14998}}"#.to_owned(),
        };
        Reply::Answer(200, "application/json", body)
    })
    .await
}

fn environment_with(f: &Fixture, profile: ProviderProfile, endpoints: Endpoints) -> Environment {
    f.core
        .create_environment(EnvironmentInput {
            name: format!("{profile:?}"),
            kind: EnvironmentKind::Sandbox,
            color: "#2f80ed".into(),
            endpoints,
            profile,
            rotation_days: 90,
        })
        .unwrap()
}

#[tokio::test]
async fn a_salesforce_tokens_instance_is_its_api_base_and_try_it_goes_there() {
    let f = Fixture::new();
    let server = salesforce().await;
    let environment = environment_with(
        &f,
        ProviderProfile::Salesforce,
        Endpoints {
            token_url: Some(format!("{}/services/oauth2/token", server.url)),
            api_base_url: Some("http://127.0.0.1:9/never".into()),
            ..Endpoints::default()
        },
    );
    assert_eq!(
        f.core.environment(&environment.id).unwrap().profile,
        ProviderProfile::Salesforce,
        "the profile is stored"
    );
    let app = f.app_in(&environment);
    let status = f
        .core
        .fetch_token(&app.id, TokenRequestInput::default(), Fetch::New)
        .await
        .unwrap();
    let token = status.token.unwrap();
    assert_eq!(token.api_base_url.as_deref(), Some(server.url.as_str()));
    assert_eq!(token.expires_at, None, "Salesforce sends no expires_in");
    let answer = f
        .core
        .call_api(&ApiRequest {
            app_id: app.id.clone(),
            method: "GET".into(),
            path: "/services/data/v60.0/limits".into(),
            headers: vec![],
            body: String::new(),
        })
        .await
        .unwrap();
    assert_eq!(
        answer.url,
        format!("{}/services/data/v60.0/limits", server.url)
    );
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn an_instance_url_means_nothing_to_a_standard_environment() {
    let f = Fixture::new();
    let server = salesforce().await;
    let environment = environment_with(
        &f,
        ProviderProfile::Standard,
        Endpoints {
            token_url: Some(format!("{}/services/oauth2/token", server.url)),
            ..Endpoints::default()
        },
    );
    let app = f.app_in(&environment);
    let status = f
        .core
        .fetch_token(&app.id, TokenRequestInput::default(), Fetch::New)
        .await
        .unwrap();
    assert_eq!(status.token.unwrap().api_base_url, None);
}

#[tokio::test]
async fn keycloak_introspection_is_not_asked_for_a_public_app() {
    let f = Fixture::new();
    let server =
        TestServer::start(|_| Reply::Answer(200, "application/json", r#"{"active":true}"#.into()))
            .await;
    let environment = environment_with(
        &f,
        ProviderProfile::Keycloak,
        Endpoints {
            introspection_url: Some(format!(
                "{}/realms/acme/protocol/openid-connect/token/introspect",
                server.url
            )),
            ..Endpoints::default()
        },
    );
    let mut input = app_input(&environment, "Cli tool");
    input.client_type = ClientType::Public;
    input.auth_method = AuthMethod::None;
    let app = f.core.create_app(input).unwrap();
    f.core.store_token(&app.id, signed_in("kc-access")).unwrap();
    let error = f.core.introspect_token(&app.id).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Keycloak answers introspection only for a confidential client authenticating with \
         its own secret, and “Cli tool” is a public client."
    );
    assert!(server.seen().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn keycloak_introspection_is_asked_for_a_private_key_jwt_app_with_its_assertion() {
    let f = Fixture::new();
    let server =
        TestServer::start(|_| Reply::Answer(200, "application/json", r#"{"active":true}"#.into()))
            .await;
    let realm = format!("{}/realms/acme/protocol/openid-connect", server.url);
    let environment = environment_with(
        &f,
        ProviderProfile::Keycloak,
        Endpoints {
            token_url: Some(format!("{realm}/token")),
            introspection_url: Some(format!("{realm}/token/introspect")),
            ..Endpoints::default()
        },
    );
    let mut input = app_input(&environment, "Signer");
    input.auth_method = AuthMethod::PrivateKeyJwt;
    let app = f.core.create_app(input).unwrap();
    f.core
        .add_signing_key(SigningKeyInput {
            app_id: app.id.clone(),
            label: String::new(),
            source: KeySource::Generate(KeyAlg::Es256),
        })
        .unwrap();
    f.core.store_token(&app.id, signed_in("kc-access")).unwrap();

    let answer = f.core.introspect_token(&app.id).await.unwrap();
    assert!(answer.active);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].body.contains(
            "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
        ),
        "{}",
        seen[0].body
    );
    assert!(!seen[0].body.contains("client_secret"), "{}", seen[0].body);
}

#[tokio::test]
async fn google_sign_ins_ask_for_offline_access() {
    let f = Fixture::new();
    let environment = environment_with(
        &f,
        ProviderProfile::Google,
        Endpoints {
            authorization_url: Some("http://127.0.0.1:9/o/oauth2/v2/auth".into()),
            token_url: Some("http://127.0.0.1:9/token".into()),
            ..Endpoints::default()
        },
    );
    let mut input = app_input(&environment, "Drive sync");
    input.client_type = ClientType::Public;
    input.auth_method = AuthMethod::None;
    let app = f.core.create_app(input).unwrap();
    let login = f
        .core
        .start_login(
            &app.id,
            LoginOptions {
                scopes: Some(vec!["read".into()]),
                timeout: None,
            },
        )
        .await
        .unwrap();
    let url = url::Url::parse(&login.started.url).unwrap();
    let access_type: Vec<String> = url
        .query_pairs()
        .filter(|(name, _)| name == "access_type")
        .map(|(_, value)| value.into_owned())
        .collect();
    assert_eq!(access_type, ["offline"]);
}
