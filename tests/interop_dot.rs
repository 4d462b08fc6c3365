//! Authdeck against a second, independent authorization server: django-oauth-toolkit with its
//! defaults (tests/authserver-dot), through the same `Core` calls the CLI and the desktop make,
//! with the real keychain. Discovery from the issuer alone (its OpenID document names no
//! introspection or revocation endpoint; its RFC 8414 document does), client credentials with
//! Basic and in the body, introspection and revocation, a sign-in with PKCE through the
//! stand-in browser with refresh rotation, and a forged callback refused in plain sight.

mod support;

use authdeck_core::model::*;
use authdeck_core::vault::SecretStore;
use authdeck_core::{Core, Fetch, LoginOptions, PendingLogin};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;
use support::authserver_dot::{Client, DotServer};
use support::browser;

const SIGN_IN_SCOPES: &[&str] = &["openid", "profile", "read"];

/// A DOT server, a data folder, the real keychain, and an environment made from what
/// discovery found at the issuer — nothing typed by hand.
struct Dot {
    server: DotServer,
    _home: tempfile::TempDir,
    namespace: String,
    core: Arc<Core>,
    environment: Environment,
    discovery: Discovery,
}

impl Dot {
    async fn new(test: &str) -> Self {
        let server = DotServer::start(browser::PASSWORD);
        let home = tempfile::tempdir().unwrap();
        let namespace = support::unique_namespace(test);
        let core = support::open(home.path(), &namespace);
        let discovery = core.discover(&server.issuer).await.expect("discover");
        let environment = core
            .create_environment(EnvironmentInput {
                name: "django-oauth-toolkit".into(),
                kind: EnvironmentKind::Sandbox,
                color: "#0c4b33".into(),
                endpoints: discovery.endpoints.clone(),
                profile: ProviderProfile::Standard,
                rotation_days: DEFAULT_ROTATION_DAYS,
            })
            .unwrap();
        Self {
            server,
            _home: home,
            namespace,
            core: Arc::new(core),
            environment,
            discovery,
        }
    }

    /// An app for one of the server's confidential clients, its secret stored.
    fn confidential(&self, client: &Client, method: AuthMethod, scopes: &[&str]) -> ClientApp {
        let app = self.app(client, ClientType::Confidential, method, &[], scopes);
        support::add(&self.core, &app, "main", &client.client_secret);
        app
    }

    /// The public client, signing in on `http://127.0.0.1/callback` (any port).
    fn public(&self) -> ClientApp {
        self.app(
            &self.server.clients.public,
            ClientType::Public,
            AuthMethod::None,
            &[DEFAULT_REDIRECT_URI],
            SIGN_IN_SCOPES,
        )
    }

    fn app(
        &self,
        client: &Client,
        client_type: ClientType,
        auth_method: AuthMethod,
        redirect_uris: &[&str],
        scopes: &[&str],
    ) -> ClientApp {
        self.core
            .create_app(ClientAppInput {
                client_type,
                auth_method,
                redirect_uris: redirect_uris.iter().map(|u| u.to_string()).collect(),
                default_scopes: scopes.iter().map(|s| s.to_string()).collect(),
                ..ClientAppInput::confidential(
                    self.environment.id.clone(),
                    format!("DOT {auth_method:?}"),
                    client.client_id.clone(),
                )
            })
            .unwrap()
    }

    async fn fetch(&self, app: &ClientApp, how: Fetch) -> TokenStatus {
        self.core
            .fetch_token(&app.id, TokenRequestInput::default(), how)
            .await
            .expect("a token")
    }

    /// What each token request the server received sent (grant, auth method, scope, status).
    fn requests(&self) -> Vec<Value> {
        tokio::task::block_in_place(|| self.server.token_requests())
    }

    fn keychain(&self, account: &str) -> Option<String> {
        support::keychain(&self.namespace)
            .get(account)
            .ok()
            .map(|secret| secret.expose().to_owned())
    }

    async fn start_login(&self, app: &ClientApp) -> PendingLogin {
        self.core
            .start_login(&app.id, LoginOptions::default())
            .await
            .expect("start the sign-in")
    }
}

impl Drop for Dot {
    fn drop(&mut self) {
        support::clear_namespace(&self.namespace);
    }
}

fn query(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn field(fields: &[Field], name: &str) -> Option<String> {
    fields
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.value.clone())
}

/// Signs in through the stand-in browser beside `finish_login`; the stored token's status.
async fn sign_in(core: &Arc<Core>, login: PendingLogin) -> TokenStatus {
    browser::sign_in_beside(core, login)
        .await
        .expect("the sign-in completes")
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_from_the_issuer_alone_reads_both_documents_and_says_which_named_what() {
    let dot = Dot::new("dot-discovery").await;
    let issuer = &dot.server.issuer;
    let openid = format!("{issuer}/.well-known/openid-configuration");
    // RFC 8414 §3.1: the well-known path goes before the issuer's path (/o).
    let rfc8414 = format!(
        "{}/.well-known/oauth-authorization-server/o",
        dot.server.origin
    );
    let suffixed = format!("{issuer}/.well-known/oauth-authorization-server");
    let found = &dot.discovery;
    assert_eq!(found.metadata_urls, [&*openid, &*rfc8414, &*suffixed]);
    assert_eq!(found.issuer, *issuer);
    assert_eq!(
        found.endpoints,
        Endpoints {
            issuer_url: Some(issuer.clone()),
            authorization_url: Some(format!("{issuer}/authorize/")),
            token_url: Some(format!("{issuer}/token/")),
            token_info_url: None,
            introspection_url: Some(format!("{issuer}/introspect/")),
            revocation_url: Some(format!("{issuer}/revoke_token/")),
            api_base_url: None,
            // DOT has a device grant, but neither document names its endpoint.
            device_authorization_url: None,
        }
    );
    let sources: Vec<(&str, &str)> = found
        .sources
        .iter()
        .map(|s| (s.field.as_str(), s.metadata_url.as_str()))
        .collect();
    assert_eq!(
        sources,
        [
            ("authorization_url", openid.as_str()),
            ("token_url", openid.as_str()),
            ("introspection_url", rfc8414.as_str()),
            ("revocation_url", rfc8414.as_str()),
        ]
    );
    assert_eq!(
        found.jwks_uri.as_deref(),
        Some(format!("{issuer}/.well-known/jwks.json").as_str())
    );
    assert_eq!(
        found.scopes_supported,
        ["openid", "profile", "read", "write"]
    );
    assert_eq!(
        found.token_endpoint_auth_methods_supported,
        ["client_secret_post", "client_secret_basic"]
    );
    assert!(
        found
            .code_challenge_methods_supported
            .contains(&"S256".to_owned())
    );
    assert!(
        !found.iss_parameter_supported,
        "DOT's default: no RFC 9207 iss"
    );
    // what the environment made from it holds
    let environment = dot.core.environment(&dot.environment.id).unwrap();
    assert_eq!(environment.endpoints, found.endpoints);
}

#[tokio::test(flavor = "multi_thread")]
async fn client_credentials_with_basic_and_in_the_body_are_minted_stored_and_then_cached() {
    let dot = Dot::new("dot-client-credentials").await;
    let basic = dot.confidential(
        &dot.server.clients.basic,
        AuthMethod::ClientSecretBasic,
        &["read"],
    );
    let post_client = &dot.server.clients.post;
    assert!(
        post_client.client_secret.contains(" %+:&=?#/;'\"\\é"),
        "the secret holds every character an encoding must escape"
    );
    let post = dot.confidential(
        post_client,
        AuthMethod::ClientSecretPost,
        &["read", "write"],
    );
    let cached = Fetch::IfNeeded {
        min_valid_seconds: 60,
    };
    for (app, scopes) in [(&basic, vec!["read"]), (&post, vec!["read", "write"])] {
        let minted = dot.fetch(app, Fetch::New).await;
        assert_eq!(minted.state, TokenState::Valid);
        let token = minted.token.expect("a token");
        assert_eq!(token.source, TokenSource::ClientCredentials);
        assert_eq!(token.token_type, "Bearer");
        assert_eq!(token.granted_scopes.unwrap(), scopes);
        // DOT's default life: ten hours
        let expires = token.expires_at.unwrap().unix() - token.issued_at.unix();
        assert!((35_990..=36_000).contains(&expires), "{expires}");
        let (_, value) = dot.core.token_value(&app.id).unwrap();
        assert_eq!(
            dot.keychain(&format!("token:{}", token.id)).as_deref(),
            Some(value.expose()),
            "the value is in the keychain"
        );
        let again = dot.fetch(app, cached).await.token.unwrap();
        assert_eq!(
            again.id, token.id,
            "served from the store, not minted again"
        );
    }
    assert_eq!(
        dot.requests(),
        [
            json!({"grant_type": "client_credentials", "auth_method": "client_secret_basic",
                   "scope": "read", "status": 200}),
            json!({"grant_type": "client_credentials", "auth_method": "client_secret_post",
                   "scope": "read write", "status": 200}),
        ],
        "one request each, authenticated as asked"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_special_character_secret_goes_by_basic_too_form_encoded_as_dot_decodes_it() {
    let dot = Dot::new("dot-basic-special").await;
    // RFC 6749 §2.3.1: ID and secret are form-encoded before Basic; DOT decodes them so, and
    // a client that skipped it would send "+" for a space and "%" unescaped.
    let app = dot.confidential(
        &dot.server.clients.post,
        AuthMethod::ClientSecretBasic,
        &["read"],
    );
    let minted = dot.fetch(&app, Fetch::New).await;
    assert_eq!(minted.state, TokenState::Valid);
    assert_eq!(
        dot.requests(),
        [
            json!({"grant_type": "client_credentials", "auth_method": "client_secret_basic",
                "scope": "read", "status": 200})
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn introspection_shows_what_dot_reports_and_revocation_makes_the_token_inactive() {
    let dot = Dot::new("dot-introspection").await;
    // DOT's generator never starts an ID with "-"; this client's ID does, on purpose.
    let dash = &dot.server.clients.dash;
    assert!(dash.client_id.starts_with('-'), "{}", dash.client_id);
    let app = dot.confidential(dash, AuthMethod::ClientSecretBasic, &["read", "write"]);
    let token = dot.fetch(&app, Fetch::New).await.token.unwrap();

    let first = dot.core.introspect_token(&app.id).await.unwrap();
    assert!(first.active);
    let names: Vec<&str> = first.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["active", "client_id", "exp", "scope"]);
    assert_eq!(field(&first.fields, "scope").as_deref(), Some("read write"));
    assert_eq!(
        field(&first.fields, "client_id").as_deref(),
        Some(dash.client_id.as_str())
    );
    assert_eq!(
        field(&first.fields, "exp"),
        token.expires_at.map(|at| at.unix().to_string())
    );

    let revoked = dot.core.revoke_token(&app.id).await.unwrap();
    assert_eq!(revoked.state, TokenState::Revoked);
    let after = dot.core.introspect_token(&app.id).await.unwrap();
    assert!(!after.active);
    assert_eq!(field(&after.fields, "active").as_deref(), Some("false"));
    assert_eq!(
        after.fields.len(),
        1,
        "an inactive token tells nothing more"
    );
}

/// A refresh request with `refresh_token` sent straight to DOT, as the public client.
fn refresh_directly(dot: &Dot, refresh_token: &str) -> (u16, Value) {
    tokio::task::block_in_place(|| {
        let answer = support::http_client()
            .build()
            .expect("an HTTP client")
            .post(dot.discovery.endpoints.token_url.clone().unwrap())
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
                ("client_id", dot.server.clients.public.client_id.as_str()),
            ])
            .send()
            .unwrap();
        (answer.status().as_u16(), answer.json().unwrap())
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pkce_sign_in_checks_the_id_token_and_the_rotated_refresh_token_is_refused_after() {
    let dot = Dot::new("dot-sign-in").await;
    let app = dot.public();
    let login = dot.start_login(&app).await;
    let url = login.started.url.clone();
    assert!(url.starts_with(&format!("{}/authorize/?", dot.server.issuer)));
    assert_eq!(
        query(&url, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(
        query(&url, "client_id").as_deref(),
        Some(dot.server.clients.public.client_id.as_str())
    );
    assert_eq!(
        query(&url, "redirect_uri").unwrap(),
        format!("http://127.0.0.1:{}/callback", login.started.port),
        "an ephemeral port DOT matches as a loopback redirect (RFC 8252 §7.3)"
    );

    let signed_in = sign_in(&dot.core, login).await;
    assert_eq!(signed_in.state, TokenState::Valid);
    let token = signed_in.token.unwrap();
    assert_eq!(token.source, TokenSource::AuthorizationCode);
    assert!(token.has_refresh_token && token.has_id_token);
    assert_eq!(token.granted_scopes.clone().unwrap(), SIGN_IN_SCOPES);
    // the ID token was validated on arrival (signature by the JWKS, issuer, audience, nonce)
    let claims = dot.core.token_details(&app.id).unwrap().id_claims.unwrap();
    assert_eq!(field(&claims, "iss"), Some(dot.server.issuer.clone()));
    assert_eq!(
        field(&claims, "aud"),
        Some(format!(r#"["{}"]"#, dot.server.clients.public.client_id))
    );
    assert_eq!(field(&claims, "nonce"), query(&url, "nonce"));
    assert_eq!(field(&claims, "sub").as_deref(), Some("1"), "alice, user 1");

    let first_refresh = dot.keychain(&format!("refresh:{}", token.id)).unwrap();
    let renewed = dot.fetch(&app, Fetch::New).await.token.unwrap();
    assert_eq!(renewed.source, TokenSource::AuthorizationCode);
    let second_refresh = dot.keychain(&format!("refresh:{}", renewed.id)).unwrap();
    assert_ne!(
        second_refresh, first_refresh,
        "DOT rotated it; the new one is kept"
    );
    assert_eq!(dot.keychain(&format!("refresh:{}", token.id)), None);

    // DOT refuses the used one (no grace period by default)...
    let (status, answer) = refresh_directly(&dot, &first_refresh);
    assert_eq!((status, &answer["error"]), (400, &json!("invalid_grant")));
    // ...and the kept one still works for Authdeck.
    let again = dot.fetch(&app, Fetch::New).await.token.unwrap();
    assert!(again.has_refresh_token);
    let grants: Vec<(Value, Value, Value)> = dot
        .requests()
        .iter()
        .map(|r| {
            (
                r["grant_type"].clone(),
                r["auth_method"].clone(),
                r["status"].clone(),
            )
        })
        .collect();
    assert_eq!(
        grants,
        [
            (json!("authorization_code"), json!("none"), json!(200)),
            (json!("refresh_token"), json!("none"), json!(200)),
            (json!("refresh_token"), json!("none"), json!(400)),
            (json!("refresh_token"), json!("none"), json!(200)),
        ]
    );
}

/// A GET on the listener; the status line of its answer.
fn get(port: u16, target: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_callback_is_refused_and_told_at_once_and_the_real_sign_in_then_completes() {
    let dot = Dot::new("dot-forged").await;
    let app = dot.public();
    let login = dot.start_login(&app).await;
    let port = login.started.port;
    let url = login.started.url.clone();
    let refusals = login.refusals();
    let mut told = refusals.feed();
    let finishing = {
        let core = dot.core.clone();
        tokio::spawn(async move { core.finish_login(login, std::future::pending()).await })
    };

    let forged = tokio::task::block_in_place(|| get(port, "/callback?code=stolen&state=forged"));
    assert!(forged.contains(" 400 "), "{forged}");
    let reason = tokio::time::timeout(Duration::from_secs(5), told.recv())
        .await
        .expect("told at once, while the sign-in waits")
        .expect("a refusal");
    let why = "The callback's state is not this sign-in's; it may be an old or forged link.";
    assert_eq!(reason, why);
    assert!(
        !finishing.is_finished(),
        "a refusal does not end the sign-in"
    );
    assert_eq!(dot.requests(), Vec::<Value>::new(), "no code was exchanged");

    let (status, last) = tokio::task::spawn_blocking(move || browser::sign_in(&url))
        .await
        .unwrap();
    assert_eq!(status, 200, "{last}");
    let done = finishing.await.unwrap().unwrap().expect("not cancelled");
    assert_eq!(done.token.unwrap().source, TokenSource::AuthorizationCode);
    assert_eq!(refusals.callbacks(), [why]);
    assert_eq!(
        dot.requests(),
        [
            json!({"grant_type": "authorization_code", "auth_method": "none",
                "scope": null, "status": 200})
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_on_dots_consent_ends_the_sign_in_with_its_refusal_and_stores_nothing() {
    let dot = Dot::new("dot-cancel").await;
    let app = dot.public();
    let login = dot.start_login(&app).await;
    let url = login.started.url.clone();
    let refusals = login.refusals();
    let finishing = {
        let core = dot.core.clone();
        tokio::spawn(async move { core.finish_login(login, std::future::pending()).await })
    };
    let (status, last) =
        tokio::task::spawn_blocking(move || browser::sign_in_and_cancel_on_dot(&url))
            .await
            .unwrap();
    // DOT sends ?error=access_denied&state=… without iss, which it never promised (no RFC
    // 9207 in its metadata): the callback is this sign-in's answer, not a forgery.
    assert_eq!(status, 200, "{last}");
    let error = finishing.await.unwrap().expect_err("the provider refused");
    assert_eq!(
        error.to_string(),
        "The provider refused the sign-in (access_denied). Sign in again and allow access when \
         the provider asks."
    );
    assert_eq!(refusals.callbacks(), Vec::<String>::new());
    assert_eq!(dot.core.token_status(&app.id).unwrap().token, None);
    assert_eq!(
        dot.requests(),
        Vec::<Value>::new(),
        "no code, no token request"
    );
}
